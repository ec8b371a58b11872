/** @module The overview: what winnow decided per day and rule family, what the below-the-line sample says it missed, and the service's health. */
import type { Context } from 'hono';
import { stackedColumns } from '../../charts/index.ts';
import { summariseArm } from '../../experiments/arm-summary.ts';
import { withDeadline } from '../../serving/deadline.ts';
import { modelReadiness } from '../../http/model-status.ts';
import type { StoreHealth } from '../../store/decision-store.ts';
import type { OverviewCounts } from '../../store/console-queries.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { Chart, Layout, Tile } from '../layout.tsx';
import { TtlCache } from '../ttl-cache.ts';
import { count, DECISION_COLORS, DECISIONS, pct, ruleFamily } from '../format.ts';

const DAY_MS = 86_400_000;
/** How long the overview's counts are reused (they read every decision of the period). */
export const OVERVIEW_TTL_S = 30;

const caches = new WeakMap<ConsoleDeps, TtlCache<OverviewCounts>>();
function overviewCache(deps: ConsoleDeps): TtlCache<OverviewCounts> {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = new TtlCache(OVERVIEW_TTL_S * 1000)));
  return cache;
}

/** GET /: the overview of the last `days` (7, 30, 90 or 365; default 30) UTC days. */
export async function overviewPage(c: Context, deps: ConsoleDeps) {
  const days = periodDays(c.req.query('days'));
  const now = deps.now();
  const to = new Date(Math.ceil(now.getTime() / DAY_MS) * DAY_MS);
  const from = new Date(to.getTime() - days * DAY_MS);
  const [{ value: counts, at }, health] = await Promise.all([
    overviewCache(deps).get(`${from.toISOString()}/${to.toISOString()}`, () => deps.store.overviewCounts(from.toISOString(), to.toISOString())),
    withDeadline(deps.store.health(), 2000, 'store health').catch((err: Error): StoreHealth => ({ ok: false, error: err.message })),
  ]);
  const live = summariseArm(counts.groups, { arm: 'live', role: 'control', positive: deps.positive, minutesPerAlert: 15, confidence: 0.95 });
  const model = modelReadiness(deps.registry, deps.modelFallback);
  const drift = deps.drift.report(model.name, model.version);
  const storeOk = health.ok && deps.storeHealthy();
  const user = c.get('consoleUser');
  return c.html(
    <Layout title="Overview" active="/" user={user}>
      <form method="get" action="/" class="filters">
        <label>Period
          <select name="days">
            {[7, 30, 90, 365].map((d) => <option value={String(d)} selected={d === days}>last {d} days</option>)}
          </select>
        </label>
        <button type="submit" class="secondary">Show</button>
        <span class="muted">decision counts as of {new Date(at).toISOString().slice(11, 19)}Z (kept for {OVERVIEW_TTL_S} s)</span>
      </form>
      <div class="tiles" data-testid="tiles">
        <Tile label="Alerts scored" value={count(live.alerts)} note={`${from.toISOString().slice(0, 10)} to ${new Date(to.getTime() - 1).toISOString().slice(0, 10)}`} />
        <Tile label="Share closed" value={pct(live.alerts ? live.closed / live.alerts : null)} note={`${count(live.closed)} auto-closed, ${count(live.reviewed)} review, ${count(live.escalated)} escalate`} />
        <Tile label="Feedback backlog" value={count(counts.backlog)} note="review/escalate decisions not yet labelled" tone={counts.backlog > 0 ? 'warn' : 'good'} />
        <Tile
          label="Missed true positives (est.)"
          value={live.missedTruePositives ? count(Math.round(live.missedTruePositives.estimate)) : '—'}
          note={live.missedTruePositives
            ? `95% interval ${count(Math.round(live.missedTruePositives.low))}–${count(Math.round(live.missedTruePositives.high))} among ${count(live.closed)} closed`
            : 'needs labelled below-the-line samples'}
        />
        <Tile label="Active model" value={`${model.name}/${model.version}`} note={model.degraded ? `fallback: wanted ${model.wanted} (${model.reason})` : 'as the activation log says'} tone={model.degraded ? 'bad' : 'good'} />
        <Tile label="Store" value={storeOk ? 'healthy' : 'failing'} note={health.ok ? (deps.storeHealthy() ? deps.store.kind : 'writes are failing or stalled') : health.error} tone={storeOk ? 'good' : 'bad'} />
        <Tile label="Drift" value={drift ? drift.status.replace('_', ' ') : 'no data'} note={drift ? `${count(drift.windowSize)} recent alerts of ${model.name}/${model.version}` : 'this process has not scored with the active model yet'} tone={drift?.status === 'major' ? 'bad' : drift?.status === 'moderate' ? 'warn' : undefined} />
      </div>
      {live.alerts === 0 ? <EmptyStore /> : <DailyChart counts={counts} from={from} days={days} />}
      <h2>Below-the-line sample</h2>
      <table data-testid="sample">
        <thead><tr><th>sampled</th><th>labelled</th><th>true positives found</th><th>estimated true positives among closed</th><th>estimated missed share</th></tr></thead>
        <tbody>
          <tr>
            <td class="num">{count(live.sample.sampled)}</td>
            <td class="num">{count(live.sample.labelled)}</td>
            <td class="num">{count(live.sample.positives)}</td>
            <td class="num">{live.missedTruePositives ? `${live.missedTruePositives.estimate.toFixed(1)} (95%: ${live.missedTruePositives.low.toFixed(1)}–${live.missedTruePositives.high.toFixed(1)})` : '—'}</td>
            <td class="num">{live.missedRate ? `${pct(live.missedRate.estimate)} (95%: ${pct(live.missedRate.low)}–${pct(live.missedRate.high)})` : '—'}</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">A share of would-be closures goes to review anyway (the policy's below-the-line rate); their labels estimate the true positives among what was closed unseen.</p>
      {live.alerts > 0 ? <FamilyTable counts={counts} /> : null}
    </Layout>,
  );
}

function periodDays(raw: string | undefined): number {
  const n = Number(raw ?? 30);
  return [7, 30, 90, 365].includes(n) ? n : 30;
}

function EmptyStore() {
  return (
    <div class="empty">
      <p><strong>No decisions in this period yet.</strong> Send alerts to <code>POST /v1/score</code> and they appear here, e.g.</p>
      <pre>{`curl -s localhost:8080/v1/score -H 'content-type: application/json' \\
  -d '{"alerts":[{"id":"A-1","ruleId":"tm_structuring","attributes":{"amount_usd":9500}}]}'`}</pre>
      <p>or replay a file of alerts: <code>winnow replay --help</code>.</p>
    </div>
  );
}

function DailyChart({ counts, from, days }: { counts: OverviewCounts; from: Date; days: number }) {
  const labels = Array.from({ length: days }, (_, i) => new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10));
  const index = new Map(labels.map((d, i) => [d, i]));
  const series = DECISIONS.map((d) => ({ name: d, color: DECISION_COLORS[d], values: labels.map(() => 0) }));
  for (const r of counts.daily) {
    const i = index.get(r.day);
    const s = series.find((x) => x.name === r.decision);
    if (i !== undefined && s) s.values[i] += r.alerts;
  }
  const svg = stackedColumns({ title: 'Alerts scored per day', subtitle: 'by decision (UTC days)', columns: labels.map((d) => d.slice(5)), series, width: 1180, height: 300 });
  return <Chart svg={svg} caption="Each column is one day's live decisions; shadow-arm records are not counted." />;
}

function FamilyTable({ counts }: { counts: OverviewCounts }) {
  const families = new Map<string, Record<string, number>>();
  for (const r of counts.daily) {
    const f = ruleFamily(r.ruleId);
    const row = families.get(f) ?? { auto_close: 0, review: 0, escalate: 0 };
    row[r.decision] = (row[r.decision] ?? 0) + r.alerts;
    families.set(f, row);
  }
  const rows = [...families.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <>
      <h2>Per rule family</h2>
      <table data-testid="families">
        <thead><tr><th>family</th><th class="num">alerts</th><th class="num">auto_close</th><th class="num">review</th><th class="num">escalate</th><th class="num">share closed</th></tr></thead>
        <tbody>
          {rows.map(([family, r]) => {
            const total = Object.values(r).reduce((s, v) => s + v, 0);
            return (
              <tr>
                <td>{family}</td>
                <td class="num">{count(total)}</td>
                <td class="num">{count(r.auto_close ?? 0)}</td>
                <td class="num">{count(r.review ?? 0)}</td>
                <td class="num">{count(r.escalate ?? 0)}</td>
                <td class="num">{pct(total ? (r.auto_close ?? 0) / total : null)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** @module The models pages: every bundle with its key metrics, the activation log, one version's model card and its drift per feature per day. */
import type { Context, Hono } from 'hono';
import { raw } from 'hono/html';
import { z } from 'zod';
import { DRIFT_THRESHOLDS, type DriftReading, type DriftStatus } from '../../drift/drift-report.ts';
import { modelReadiness } from '../../http/model-status.ts';
import { type DayDrift, driftByDay } from '../../pipeline/drift-by-day.ts';
import { type ActivationEntry, refName } from '../../store/activation-log.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { formAction, refuse } from '../form.ts';
import { count, pct, when } from '../format.ts';
import { Flash, Layout, Tile } from '../layout.tsx';
import { renderMarkdown } from '../markdown.ts';
import { bundleSummaries, keyMetrics, modelCard, modelRefField, readManifest } from '../model-bundles.ts';
import { may } from '../session.ts';
import { promotePage, promoteModel, rollbackModelForm, rollbackPage } from './model-activation.tsx';

/** Activation log entries shown on /models. */
const LOG_SHOWN = 50;
/** Decisions read per day at most for the drift table (spread over the day's hours). */
export const DRIFT_SAMPLE_PER_DAY = 2_000;
const DAY_MS = 86_400_000;

/** Registers the models pages and their admin forms on the console. */
export function addModelPages(app: Hono, deps: ConsoleDeps): void {
  app.get('/models', (c) => modelsPage(c, deps));
  app.get('/models/promote', (c) => promotePage(c, deps));
  app.post('/models/promote', formAction('admin', (c) => promoteModel(c, deps)));
  app.get('/models/rollback', (c) => rollbackPage(c, deps));
  app.post('/models/rollback', formAction('admin', (c) => rollbackModelForm(c, deps)));
  app.get('/models/:name/:version', (c) => modelPage(c, deps));
}

/** GET /models: versions, the active one, the activation log, and the active model's drift status. */
export async function modelsPage(c: Context, deps: ConsoleDeps) {
  const user = c.get('consoleUser');
  const admin = may(user, 'admin');
  const [bundles, log] = await Promise.all([
    bundleSummaries(deps.registry),
    deps.activations
      ? deps.activations.history(LOG_SHOWN).then((entries) => ({ entries }), (err: Error) => ({ entries: [] as ActivationEntry[], error: err.message }))
      : Promise.resolve(undefined),
  ]);
  const model = modelReadiness(deps.registry, deps.modelFallback);
  const drift = deps.drift.report(model.name, model.version);
  const latest = log?.entries[0];
  const logDisagrees = latest && refName(latest.model) !== `${model.name}/${model.version}`;
  return c.html(
    <Layout title="Models" active="/models" user={user}>
      <Flash done={c.req.query('done')} error={c.req.query('error')} />
      <div class="tiles" data-testid="model-tiles">
        <Tile label="Active model" value={<span data-testid="active-model">{model.name}/{model.version}</span>}
          note={model.degraded ? `fallback: the log wants ${model.wanted} (${model.reason})` : logDisagrees ? `the log's latest entry names ${refName(latest.model)}: this replica has not followed yet` : latest ? `activation #${latest.seq}, ${latest.action} by ${latest.actor}` : 'no activation log'}
          tone={model.degraded || logDisagrees ? 'bad' : 'good'} />
        <Tile label="Drift (recent alerts)" value={drift ? drift.status.replace('_', ' ') : 'no data'}
          note={drift ? <>{count(drift.windowSize)} alerts this replica scored recently; <a href={`/models/${encodeURIComponent(model.name)}/${encodeURIComponent(model.version)}#drift`}>per feature per day</a></> : 'this replica has not scored with the active model since it started'}
          tone={drift?.status === 'major' ? 'bad' : drift?.status === 'moderate' ? 'warn' : drift?.status === 'stable' ? 'good' : undefined} />
        <Tile label="Versions" value={count(bundles.length)} note={`bundles in ${deps.registry.modelsDir}`} />
      </div>
      {admin && deps.activations ? (
        <p><a class="button secondary" href="/models/rollback" data-testid="rollback">Roll back…</a> <span class="muted">to the model before the log's latest entry (you confirm on the next page)</span></p>
      ) : null}
      <h2>Versions</h2>
      <table data-testid="models">
        <thead>
          <tr><th>model</th><th>kind</th><th>trained</th><th class="num">training rows</th><th class="num">AUC</th><th class="num">FP reduction at 95% recall</th><th class="num">at 99%</th><th>measured on</th><th></th></tr>
        </thead>
        <tbody>
          {bundles.map((b) => {
            const ref = `${b.name}/${b.version}`;
            const m = b.manifest && keyMetrics(b.manifest);
            return (
              <tr data-testid={`model-${ref}`} class={b.active ? 'active' : undefined}>
                <td><a href={`/models/${encodeURIComponent(b.name)}/${encodeURIComponent(b.version)}`}>{ref}</a>{b.active ? <> <span class="pill label" data-testid="active-marker">active</span></> : null}</td>
                {m ? (
                  <>
                    <td>{m.algo}</td>
                    <td>{when(m.trainedAt)}</td>
                    <td class="num">{count(m.rows)} ({count(m.positives)} TP)</td>
                    <td class="num">{m.auc.toFixed(4)}</td>
                    <td class="num">{pct(m.fpReduction95)}</td>
                    <td class="num">{pct(m.fpReduction99)}</td>
                    <td>{m.measuredOn}</td>
                  </>
                ) : <td colspan={7} class="muted">manifest unreadable: {b.problem}</td>}
                <td>{admin && !b.active && m ? <a href={`/models/promote?model=${encodeURIComponent(ref)}`} data-testid={`promote-${ref}`}>Promote…</a> : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted">Quality figures come from each bundle's manifest: the time-ordered holdout when it has one, else validation. FP reduction is the share of false-positive alerts below the threshold that keeps 95% (99%) of true positives.</p>
      <h2>Activation log</h2>
      {!log ? <p class="muted">This server keeps no activation log (it runs without a store): activation is local to this process.</p>
        : 'error' in log ? <p class="flash bad">The activation log could not be read: {log.error}</p>
        : <ActivationTable entries={log.entries} />}
    </Layout>,
  );
}

function ActivationTable({ entries }: { entries: ActivationEntry[] }) {
  if (entries.length === 0) return <p class="muted">No entries yet: the first serving replica records one.</p>;
  return (
    <table data-testid="activations">
      <thead><tr><th class="num">#</th><th>when</th><th>action</th><th>from → to</th><th>who</th><th>note</th></tr></thead>
      <tbody>
        {entries.map((e) => (
          <tr>
            <td class="num">{e.seq}</td>
            <td>{when(e.activatedAt)}</td>
            <td>{e.action}</td>
            <td>{e.from ? refName(e.from) : '—'} → <strong>{refName(e.model)}</strong></td>
            <td>{e.actor}</td>
            <td>{e.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const modelQuery = z.object({
  days: z.coerce.number({ error: 'must be a whole number of days, 1 to 31' }).int('must be a whole number of days').min(1, 'must be 1 to 31').max(31, 'must be 1 to 31').default(14),
});

/** GET /models/:name/:version: the model card, the manifest's key figures, and drift per feature per UTC day. */
export async function modelPage(c: Context, deps: ConsoleDeps) {
  const ref = modelRefField.safeParse(`${c.req.param('name')}/${c.req.param('version')}`);
  if (!ref.success) return refuse(c, 400, `model in the path ${ref.error.issues[0].message}`);
  const query = modelQuery.safeParse({ days: c.req.query('days') || undefined });
  if (!query.success) return refuse(c, 400, `query 'days': ${query.error.issues[0].message}`);
  const { name, version } = ref.data;
  const bundles = await deps.registry.list();
  const listed = bundles.find((b) => b.name === name && b.version === version);
  if (!listed) return refuse(c, 404, `no bundle ${name}/${version} in the models folder (have ${bundles.map((b) => `${b.name}/${b.version}`).join(', ') || 'none'})`);
  let manifest;
  try {
    manifest = await readManifest(deps.registry.modelsDir, listed);
  } catch (err) {
    return refuse(c, 404, `bundle ${name}/${version} has no readable manifest: ${(err as Error).message}`);
  }
  const days = query.data.days;
  const now = deps.now();
  const from = new Date((Math.floor(now.getTime() / DAY_MS) - days + 1) * DAY_MS);
  const [card, daily] = await Promise.all([
    modelCard(deps.registry.modelsDir, listed, manifest),
    driftByDay({ store: deps.store, models: deps.registry.modelsDir, model: listed, from, days, perDay: DRIFT_SAMPLE_PER_DAY }),
  ]);
  const m = keyMetrics(manifest);
  const user = c.get('consoleUser');
  const title = `Model ${name}/${version}`;
  return c.html(
    <Layout title={title} active="/models" user={user}>
      <p><a href="/models">← all versions</a>
        {listed.active ? <> · <span class="pill label" data-testid="active-marker">active on this replica</span></>
          : may(user, 'admin') ? <> · <a href={`/models/promote?model=${encodeURIComponent(`${name}/${version}`)}`} data-testid="promote">Promote…</a></> : null}
      </p>
      <div class="tiles" data-testid="model-summary">
        <Tile label="AUC" value={m.auc.toFixed(4)} note={`on ${m.measuredOn}; PR AUC ${m.prAuc.toFixed(4)}`} />
        <Tile label="FP reduction at 95% recall" value={pct(m.fpReduction95)} note={`closing below ${m.threshold95.toPrecision(4)}; ${pct(m.fpReduction99)} at 99%`} />
        <Tile label="Trained" value={m.trainedAt.slice(0, 10)} note={`${m.algo}; ${count(m.rows)} rows, ${count(m.positives)} true positives`} />
        <Tile label="Feature spec" value={`${manifest.featureSpec.features.length} features`} note={m.specHash.slice(0, 19) + '…'} />
      </div>
      <h2 id="drift">Drift per feature per day</h2>
      <DriftTable daily={daily} days={days} name={name} version={version} />
      <h2>Model card</h2>
      {card.fromFile ? null : <p class="muted">The bundle has no MODEL_CARD.md; this card is rendered from its manifest.</p>}
      <article class="card model-card" data-testid="model-card">{raw(renderMarkdown(card.markdown, { headingOffset: 1 }))}</article>
    </Layout>,
  );
}

const STATUS_CLASS: Record<DriftStatus, string> = { stable: 'psi-stable', moderate: 'psi-moderate', major: 'psi-major', no_data: 'psi-none' };

function DriftTable({ daily, days, name, version }: { daily: DayDrift[]; days: number; name: string; version: string }) {
  const withData = daily.filter((d) => d.drift.report && d.drift.decisions > 0);
  const problem = daily.find((d) => d.drift.problem && d.drift.decisions > 0)?.drift.problem ?? (daily.every((d) => !d.drift.report) ? daily[0]?.drift.problem : undefined);
  const sampled = daily.some((d) => !d.complete);
  // Rows: the score first, then every feature the bundle has a reference for, in spec order.
  const names = withData[0] ? [...(withData[0].drift.report!.score ? ['score'] : []), ...withData[0].drift.report!.features.map((f) => f.name)] : [];
  const reading = (d: DayDrift, n: string): DriftReading | undefined => {
    const r = d.drift.report;
    if (!r || d.drift.decisions === 0) return undefined;
    return n === 'score' ? r.score ?? undefined : r.features.find((f) => f.name === n);
  };
  return (
    <>
      <form method="get" action={`/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}#drift`} class="filters">
        <label>Days<input type="number" name="days" min={1} max={31} value={String(days)} /></label>
        <button type="submit" class="secondary">Show</button>
      </form>
      <p class="muted" data-testid="drift-method">
        Population stability index (PSI) of each UTC day's decisions scored by {name}/{version} against the reference distributions in its manifest:
        below {DRIFT_THRESHOLDS.moderate} stable, {DRIFT_THRESHOLDS.moderate}–{DRIFT_THRESHOLDS.major} moderate, {DRIFT_THRESHOLDS.major} or more major.
        Each day reads at most {count(DRIFT_SAMPLE_PER_DAY)} stored live decisions (of any model), spread over the day's hours
        {sampled ? '; days marked * had more, so their figures come from that sample' : '; no day had more, so every decision counted'}.
      </p>
      {problem && withData.length === 0 ? <p class="flash bad">No drift can be computed for {name}/{version}: {problem}</p> : null}
      {withData.length === 0 && !problem ? <p class="empty">No decision scored by {name}/{version} is stored in the last {days} days.</p> : null}
      {withData.length > 0 ? (
        <div class="scroll">
          <table class="heat" data-testid="drift-table">
            <thead>
              <tr><th>feature</th>{daily.map((d) => <th class="num" title={d.day}>{d.day.slice(5)}{d.complete ? '' : '*'}</th>)}</tr>
              <tr><th>decisions</th>{daily.map((d) => <th class="num">{d.drift.decisions > 0 ? count(d.drift.decisions) : '—'}</th>)}</tr>
            </thead>
            <tbody>
              {names.map((n) => (
                <tr data-testid={`drift-${n}`}>
                  <th scope="row">{n}</th>
                  {daily.map((d) => {
                    const r = reading(d, n);
                    if (!r) return <td class="psi-none num">—</td>;
                    return <td class={`${STATUS_CLASS[r.status]} num`} title={`${n} on ${d.day}: PSI ${r.psi === null ? 'n/a' : r.psi.toFixed(4)} (${r.status.replace('_', ' ')}) over ${d.drift.decisions} decisions`}>{r.psi === null ? '—' : r.psi.toFixed(2)}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

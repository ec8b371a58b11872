/**
 * @module The thresholds page: `winnow simulate` over the labelled live decisions of a period. The
 * closure curve, a recall target or review budget to choose by, what each rule gives up, and the
 * policy file that closes below the chosen thresholds (to download, or to try in an A/B experiment).
 */
import type { Context, Hono } from 'hono';
import { closureChart } from '../../charts/closure-chart.ts';
import { formatThreshold } from '../../charts/svg.ts';
import { type LabelledScore, MAX_LABELLED_SCORES } from '../../store/console-queries.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { refuse } from '../form.ts';
import { count, pct, when } from '../format.ts';
import { Chart, Layout, Tile } from '../layout.tsx';
import { may } from '../session.ts';
import { MIN_LABELLED_POSITIVES, MINUTES_PER_ALERT, periodInstants, queryOf, type RuleOutcome, type ThresholdOutcome, type ThresholdParams, thresholdParams, thresholdsOf } from '../threshold-choice.ts';
import { TtlCache } from '../ttl-cache.ts';

/**
 * Longest policy handed to /experiments/new in a link: the request line must stay within Node's
 * 16 KiB header limit once URL-encoded (JSON's quotes and braces triple in size).
 */
const MAX_POLICY_LINK = 4000;

/**
 * A period's labelled decisions are read once for 30 s: moving the threshold, then downloading the
 * policy, re-runs only the simulation. Two periods at most (up to MAX_LABELLED_SCORES rows each).
 */
const ROWS_TTL_S = 30;
const caches = new WeakMap<ConsoleDeps, TtlCache<LabelledScore[]>>();

/** What the page shows for `p`, with the time its decisions were read. */
async function outcomeOf(deps: ConsoleDeps, p: ThresholdParams): Promise<{ outcome: ThresholdOutcome; readAt: number }> {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = new TtlCache(ROWS_TTL_S * 1000, 2)));
  const { from, to } = periodInstants(p);
  const { value: rows, at } = await cache.get(`${from}/${to}`, () => deps.store.labelledScores(from, to));
  const outcome = thresholdsOf(rows, { positive: deps.positive, base: deps.servingPolicy(), params: p, limited: rows.length >= MAX_LABELLED_SCORES });
  return { outcome, readAt: at };
}

/** Registers GET /thresholds and GET /thresholds/policy.json. */
export function addThresholdPages(app: Hono, deps: ConsoleDeps): void {
  app.get('/thresholds', (c) => thresholdsPage(c, deps));
  app.get('/thresholds/policy.json', (c) => policyDownload(c, deps));
}

function paramsOr400(c: Context, deps: ConsoleDeps) {
  const parsed = thresholdParams(c.req.query(), deps.now());
  return parsed.ok ? parsed.params : refuse(c, 400, `thresholds '${parsed.field}': ${parsed.message}`);
}

/** GET /thresholds/policy.json: the policy file for the same query as the page, as an attachment. */
async function policyDownload(c: Context, deps: ConsoleDeps) {
  const p = paramsOr400(c, deps);
  if (p instanceof Response) return p;
  const { outcome } = await outcomeOf(deps, p);
  if (outcome.kind === 'too-few') return refuse(c, 409, tooFewText(outcome, p));
  if (outcome.kind === 'refused') return refuse(c, 409, `no threshold can be chosen: ${outcome.message}`);
  return c.body(`${JSON.stringify(outcome.policy, null, 2)}\n`, 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="winnow-policy-${p.from}-${p.to}.json"`,
  });
}

function tooFewText(o: { labelled: number; positives: number }, p: ThresholdParams): string {
  return `only ${count(o.labelled)} labelled decisions with ${count(o.positives)} true positives from ${p.from} to ${p.to}: `
    + `choosing a threshold needs at least ${MIN_LABELLED_POSITIVES} labelled true positives. Record analysts' dispositions `
    + '(the form on each alert page, or POST /v1/feedback from the case system), or choose a longer period.';
}

/** GET /thresholds */
async function thresholdsPage(c: Context, deps: ConsoleDeps) {
  const p = paramsOr400(c, deps);
  if (p instanceof Response) return p;
  const { outcome, readAt } = await outcomeOf(deps, p);
  const user = c.get('consoleUser');
  return c.html(
    <Layout title="Thresholds" active="/thresholds" user={user} script="thresholds.js">
      <p class="muted">What closing every alert scored below a threshold would have done to the labelled decisions of a period: the analysis of <code>winnow simulate</code>, run on the store.</p>
      <ChoiceForm p={p} />
      {outcome.kind === 'too-few' ? (
        <div class="empty" data-testid="too-few">
          <strong>Too few labelled decisions to choose a threshold.</strong> {tooFewText(outcome, p).replace(/^only/, 'Only')}
        </div>
      ) : outcome.kind === 'refused' ? (
        <p class="flash bad" role="alert" data-testid="refused">No threshold can be chosen: {outcome.message}</p>
      ) : (
        <Chosen o={outcome} p={p} admin={may(user, 'admin')} readAt={readAt} />
      )}
    </Layout>,
  );
}

function ChoiceForm({ p }: { p: ThresholdParams }) {
  return (
    <form method="get" action="/thresholds" class="filters thresholds-form" data-testid="threshold-form">
      <label>From<input type="date" name="from" value={p.from} required /></label>
      <label>To<input type="date" name="to" value={p.to} required /></label>
      <fieldset class="choose">
        <legend>Choose the threshold by</legend>
        <label class="row"><input type="radio" name="choose" value="recall" checked={p.choose === 'recall'} /> recall target
          <input type="number" name="recall" value={String(p.recall)} min="0.5" max="1" step="any" size={6} aria-label="recall target" data-testid="recall" />
        </label>
        <label class="row"><input type="radio" name="choose" value="budget" checked={p.choose === 'budget'} /> review budget
          <input type="number" name="budget" value={p.budget === undefined ? '' : String(p.budget)} min="1" step="any" size={7} placeholder="alerts" aria-label="review budget" />
          <select name="per" aria-label="budget period">
            <option value="day" selected={p.per === 'day'}>per day</option>
            <option value="week" selected={p.per === 'week'}>per week</option>
          </select>
        </label>
      </fieldset>
      <label>Thresholds
        <select name="by">
          <option value="all" selected={!p.byRule}>one for every rule</option>
          <option value="rule" selected={p.byRule}>one per rule</option>
        </select>
      </label>
      <button type="submit">Simulate</button>
    </form>
  );
}

function Chosen({ o, p, admin, readAt }: { o: Extract<ThresholdOutcome, { kind: 'chosen' }>; p: ThresholdParams; admin: boolean; readAt: number }) {
  const { result, rules, policy } = o;
  const sim = result.simulation;
  const { chosen, curve } = sim;
  const alerts = curve.positives + curve.negatives;
  const weighted = alerts !== o.labelled;
  // A rate per day needs at least a day of decisions: over minutes of traffic it would be noise.
  const per = result.fitPeriods !== undefined && result.fitPeriods >= 1 ? p.per : undefined;
  const w = chosen.workload;
  const groups = sim.groups;
  const policyText = JSON.stringify(policy);
  const never = rules.filter((r) => r.neverSuppressed);
  const source = `${count(o.labelled)} labelled decisions${weighted ? ` (${count(alerts)} alerts with the below-the-line weights)` : ''}, ${p.from} to ${p.to}`;
  return (
    <>
      {o.limited ? <p class="flash bad" role="status">Only the first {count(MAX_LABELLED_SCORES)} labelled decisions of the period were read: choose a shorter period to see all of it.</p> : null}
      <div class="tiles" data-testid="chosen">
        <Tile label="Close below" value={<span data-testid="threshold">{formatThreshold(chosen.threshold)}</span>} note={p.choose === 'budget' ? `the lowest threshold leaving ≤ ${count(p.budget!)} alerts per ${p.per} to review` : `the highest threshold keeping ≥ ${pct(p.recall)} of true positives`} />
        <Tile label="Recall kept" value={<span data-testid="recall-kept">{pct(chosen.recall, 2)}</span>} note={`${count(chosen.positivesKept)} of ${count(curve.positives)} true positives reviewed`} tone={p.choose === 'recall' && chosen.recall < p.recall ? 'bad' : undefined} />
        <Tile label="Alerts closed" value={<span data-testid="closed-share">{pct(chosen.closedShare)}</span>} note={`${count(chosen.closed)} of ${count(alerts)}; ${pct(chosen.fpReduction)} of false positives`} />
        {per ? (
          <Tile label="Review workload" value={`${count(Math.round(w.reviewedPerPeriod!))}/${per}`} note={`${count(Math.round(w.hoursPerPeriod!))} analyst hours per ${per} at ${MINUTES_PER_ALERT} min an alert`} />
        ) : (
          <Tile label="Review workload" value={count(Math.round(w.reviewed))} note={`alerts left to review in the period (its decisions span less than a ${p.per}, too little for a rate per ${p.per})`} />
        )}
        <Tile label="Labelled decisions" value={count(o.labelled)} note={`${count(o.positives)} true positives${weighted ? `; stand for ${count(alerts)} alerts` : ''}`} />
        <Tile label="Never closed" value={never.length ? never.map((r) => r.rule).join(', ') : 'none'} note={never.length ? `${count(curve.alwaysReviewedPositives + curve.alwaysReviewedNegatives)} alerts of never-suppressed rules stay in review at any threshold` : "the serving policy's neverSuppress is empty"} />
      </div>
      {groups ? (
        <p class="card" data-testid="per-rule-summary">
          One threshold per rule, chosen together for {pct(groups.target, 2)} overall recall:{' '}
          {groups.method === 'per-group'
            ? <>closes <strong>{pct(groups.perGroup.closedShare)}</strong> of alerts (recall {pct(groups.perGroup.recall, 2)}) against {pct(groups.global.closedShare)} with one threshold.</>
            : <>one threshold closes more here ({pct(groups.global.closedShare)}), so the policy keeps one.</>}
        </p>
      ) : null}
      <Chart svg={closureChart(sim, { source, period: per })} caption="Each point is one threshold: moving it right keeps more true positives and closes fewer alerts. The dashed line marks the chosen one." />
      <div class="actions" data-testid="actions">
        <a class="button" href={`/thresholds/policy.json?${queryOf(p)}`} download data-testid="download-policy">Download the policy file</a>
        {admin ? (
          policyText.length <= MAX_POLICY_LINK ? (
            <form method="get" action="/experiments/new" class="inline" data-testid="start-experiment">
              <input type="hidden" name="from" value="thresholds" />
              <input type="hidden" name="policy" value={policyText} />
              <button type="submit" class="secondary">Start an A/B experiment with this policy</button>
            </form>
          ) : <span class="muted">The policy is too long to hand over in a link: download it and paste it on the new experiment form.</span>
        ) : null}
        <span class="muted">Serve it with <code>winnow serve --policy FILE</code>.</span>
      </div>
      <h2>Per rule</h2>
      <RuleTable rules={rules} byRule={Boolean(groups)} />
      {rules.some((r) => r.own?.pooled) ? (
        <p class="muted small">Pooled: rules with fewer than {groups?.minGroupPositives} labelled true positives share one threshold, since one fitted to a handful would not hold next month.</p>
      ) : null}
      <details class="card">
        <summary>The policy file (version <code>{policy.version}</code>)</summary>
        <pre data-testid="policy">{JSON.stringify(policy, null, 2)}</pre>
        <p class="muted">Built from the serving policy: its ladders keep their review and escalate bands above the new closing threshold; never-suppressed rules and the below-the-line sample rate ({pct(policy.belowTheLineSampleRate)}) stay as they are.</p>
      </details>
      <p class="muted small">
        Labels are the alerts' current dispositions ({count(o.positives)} counted as true risk). Alerts the serving policy closed are labelled only when
        the below-the-line sample sent them to review, so each sampled alert counts for 1/rate alerts, as <code>winnow export</code> weights it.
        Scores are the ones recorded with each decision. Decisions read at {when(new Date(readAt).toISOString())}, and reused for {ROWS_TTL_S} s.
      </p>
    </>
  );
}

function RuleTable({ rules, byRule }: { rules: RuleOutcome[]; byRule: boolean }) {
  return (
    <table data-testid="rules">
      <thead>
        <tr>
          <th>rule</th><th class="num">labelled</th><th class="num">alerts</th><th class="num">true positives</th>
          <th class="num">closed{byRule ? ' (one threshold)' : ''}</th><th class="num">recall kept{byRule ? ' (one threshold)' : ''}</th>
          {byRule ? <><th class="num">rule's threshold</th><th class="num">closed</th><th class="num">recall kept</th></> : null}
        </tr>
      </thead>
      <tbody>
        {rules.map((r) => (
          <tr data-rule={r.rule}>
            <td>{r.rule}{r.neverSuppressed ? <> <span class="pill never">never closed</span></> : null}</td>
            <td class="num">{count(r.labelled)}</td>
            <td class="num">{count(Math.round(r.alerts))}</td>
            <td class="num">{count(Math.round(r.positives))}</td>
            <td class="num">{pct(r.global.closedShare)}</td>
            <td class="num">{pct(r.global.recall)}</td>
            {byRule ? (
              <>
                <td class="num">{r.own?.threshold == null ? '—' : formatThreshold(r.own.threshold)}{r.own?.pooled ? <span class="muted"> pooled</span> : null}</td>
                <td class="num">{pct(r.own?.closedShare)}</td>
                <td class="num">{pct(r.own?.recall)}</td>
              </>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** @module One alert: its score, decision and why, reason codes, the features as scored, the entity's earlier alerts, feedback, and the disposition form. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { contributionChart } from '../../charts/index.ts';
import { commitFeedback } from '../../http/feedback-routes.ts';
import { DISPOSITIONS } from '../../store/feedback-record.ts';
import { unstorableReason } from '../../store/storable-text.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { decodedValue } from '../decision-reasons.ts';
import { refuse } from '../form.ts';
import { pct, score, when } from '../format.ts';
import { Chart, Csrf, Flash, Layout } from '../layout.tsx';
import { may } from '../session.ts';

/** Reason codes shown on the alert page. */
const REASONS_SHOWN = 8;
/** Earlier alerts of the entity shown. */
const ENTITY_ALERTS_SHOWN = 20;

/** GET /alerts/:alertId */
export async function alertPage(c: Context, deps: ConsoleDeps) {
  const alertId = c.req.param('alertId') ?? '';
  const problem = unstorableReason(alertId);
  if (problem) return refuse(c, 400, `alert id ${problem}`);
  const record = await deps.store.getDecision(alertId);
  if (!record) return refuse(c, 404, `no decision is recorded for alert '${alertId}' (shadow-arm records are not decisions)`);
  const [history, feedback, explained, entity] = await Promise.all([
    deps.store.getDecisionHistory(alertId),
    deps.store.getFeedbackHistory(alertId),
    deps.reasons.explain(record, REASONS_SHOWN),
    record.entityId ? deps.store.entityDecisions(record.entityId, alertId, ENTITY_ALERTS_SHOWN) : Promise.resolve([]),
  ]);
  const user = c.get('consoleUser');
  const spec = explained.spec;
  const current = feedback.at(-1);
  const reasonsSvg = explained.ok && explained.reasons.length > 0
    ? contributionChart({
      title: 'Why this score', subtitle: `largest contributions to the log-odds of ${record.model.name}/${record.model.version}, with the values as scored`,
      rows: explained.reasons.map((r) => ({ label: `${r.feature} = ${r.value === null ? 'missing' : typeof r.value === 'string' ? JSON.stringify(r.value) : String(r.value)}`, value: r.contribution })),
      width: 900,
    })
    : undefined;
  return c.html(
    <Layout title={`Alert ${alertId}`} active="/queue" user={user}>
      <Flash done={c.req.query('done')} error={c.req.query('error')} />
      <div class="grid2">
        <div class="card">
          <h2>Decision</h2>
          <dl class="facts" data-testid="decision">
            <dt>score</dt><dd>{score(record.score)}</dd>
            <dt>decision</dt><dd><span class={`pill ${record.decision}`}>{record.decision}</span> (band {record.band})</dd>
            <dt>why</dt><dd>{record.reason ?? 'the score alone, under the policy'}{record.sample ? ' · a below-the-line sample: reviewed so missed true positives can be measured' : ''}{record.degraded ? ' · degraded (scored without part of its input)' : ''}</dd>
            <dt>rule</dt><dd>{record.ruleId}</dd>
            <dt>segment</dt><dd>{record.segment ?? '—'}</dd>
            <dt>entity</dt><dd>{record.entityId ?? '—'}</dd>
            <dt>occurred</dt><dd>{record.occurredAt ? when(record.occurredAt) : 'not sent'}</dd>
            <dt>decided</dt><dd>{when(record.decidedAt)}</dd>
            <dt>model</dt><dd>{record.model.name}/{record.model.version}</dd>
            <dt>policy</dt><dd>{record.policyVersion}{record.sampleRate !== undefined ? ` · sample rate ${pct(record.sampleRate, 2)}` : ''}</dd>
            {record.experiment ? <><dt>experiment</dt><dd>{record.experiment.id} · arm {record.experiment.arm}</dd></> : null}
            <dt>request</dt><dd>{record.requestId ?? '—'}</dd>
            <dt>records</dt><dd>{history.length} for this alert{history.length > 1 ? ' (re-scored; the latest live one is shown)' : ''}</dd>
          </dl>
        </div>
        <div class="card">
          <h2>Disposition</h2>
          <p data-testid="current-label">{current ? <>Current label: <span class="pill label">{current.disposition}</span> by {current.analystId}, {when(current.decidedAt)}</> : 'Not labelled yet.'}</p>
          {may(user, 'feedback') ? (
            <form method="post" action={`/alerts/${encodeURIComponent(alertId)}/disposition`} class="stack" data-testid="disposition-form">
              <Csrf user={user} />
              {/* Both fixed when the form is drawn, so sending it twice is the same disposition, recorded once. */}
              <input type="hidden" name="idempotencyKey" value={`console-${randomUUID()}`} />
              <input type="hidden" name="decidedAt" value={deps.now().toISOString()} />
              <label>Disposition
                <select name="disposition" required>
                  {DISPOSITIONS.map((d) => <option value={d}>{d}</option>)}
                </select>
              </label>
              <label>Analyst<input name="analystId" value={user.keyed ? user.name : ''} required maxlength={256} /></label>
              <label>Note<textarea name="note" rows={3} maxlength={4000}></textarea></label>
              <div><button type="submit">Record disposition</button></div>
            </form>
          ) : <p class="muted">Your key cannot record dispositions (it needs the feedback scope).</p>}
        </div>
      </div>
      <h2>Reason codes</h2>
      {reasonsSvg ? <Chart svg={reasonsSvg} caption="Red raised the risk, blue lowered it (TreeSHAP on the model that scored the alert)." /> : <p class="muted">{explained.ok ? 'No feature contributed.' : explained.why}</p>}
      <div class="grid2">
        <div>
          <h2>Features as scored</h2>
          {spec && spec.features.length === record.features.length ? (
            <table data-testid="features">
              <thead><tr><th>feature</th><th>kind</th><th>value</th></tr></thead>
              <tbody>
                {spec.features.map((f, j) => {
                  const v = decodedValue(spec, j, record.features[j]);
                  return <tr><td>{f.name}</td><td>{f.kind}</td><td>{v === null ? <span class="muted">missing</span> : String(v)}</td></tr>;
                })}
              </tbody>
            </table>
          ) : <p class="muted">{record.features.length} values ({record.features.slice(0, 40).map((v) => (Number.isNaN(v) ? 'NaN' : String(v))).join(', ')}); the bundle that names them is not available.</p>}
        </div>
        <div>
          <h2>Feedback history</h2>
          {feedback.length === 0 ? <p class="muted">None yet.</p> : (
            <table data-testid="feedback">
              <thead><tr><th>decided</th><th>disposition</th><th>analyst</th><th>note</th></tr></thead>
              <tbody>{feedback.map((f) => <tr><td>{when(f.decidedAt)}</td><td>{f.disposition}</td><td>{f.analystId}</td><td>{f.note ?? ''}</td></tr>)}</tbody>
            </table>
          )}
          <h2>Entity's other alerts</h2>
          {!record.entityId ? <p class="muted">The alert named no entity.</p> : entity.length === 0 ? <p class="muted">None recorded.</p> : (
            <table data-testid="entity">
              <thead><tr><th>alert</th><th>decided</th><th>rule</th><th class="num">score</th><th>decision</th><th>label</th></tr></thead>
              <tbody>
                {entity.map((e) => (
                  <tr>
                    <td><a href={`/alerts/${encodeURIComponent(e.alertId)}`}>{e.alertId}</a></td><td>{when(e.decidedAt)}</td><td>{e.ruleId}</td>
                    <td class="num">{score(e.score)}</td><td><span class={`pill ${e.decision}`}>{e.decision}</span></td><td>{e.disposition ?? <span class="muted">unlabelled</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </Layout>,
  );
}

/**
 * POST /alerts/:alertId/disposition: through `commitFeedback`, the same path as POST /v1/feedback
 * (checked, one transaction, within the store's deadline); redirected back only once committed.
 * The form's idempotency key makes a double submit or a retried POST one disposition.
 */
export async function recordDisposition(c: Context, deps: ConsoleDeps) {
  const alertId = c.req.param('alertId') ?? '';
  const form = c.get('form');
  const item = {
    // The time the form was drawn (the feedback schema bounds it, as it bounds any client's); without one, now.
    alertId, disposition: form.disposition, analystId: form.analystId?.trim(), decidedAt: form.decidedAt || deps.now().toISOString(),
    ...(form.note ? { note: form.note } : {}), ...(form.idempotencyKey ? { idempotencyKey: form.idempotencyKey } : {}),
  };
  const outcome = await commitFeedback(deps.feedback, [item]);
  if (!outcome.ok) {
    if (outcome.retryAfter) c.header('retry-after', '1');
    const field = outcome.error.field?.slice(1).join('.');
    return refuse(c, outcome.status, `disposition not recorded${field ? ` (${field})` : ''}: ${outcome.error.message}`);
  }
  const done = outcome.results[0].status === 'created' ? `Recorded ${item.disposition} by ${item.analystId}.` : 'Already recorded (this form was sent before).';
  return c.redirect(`/alerts/${encodeURIComponent(alertId)}?done=${encodeURIComponent(done)}`, 303);
}

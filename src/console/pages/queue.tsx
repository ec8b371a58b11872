/** @module The analysts' queue: recent review and escalate decisions, riskiest first, filtered and keyset-paged. */
import type { Context } from 'hono';
import { z } from 'zod';
import { QUEUE_SCAN_LIMIT, type QueueFilter, queueCursorSchema, queueFilterSchema } from '../../store/console-queries.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { refuse } from '../form.ts';
import { score, when } from '../format.ts';
import { Layout } from '../layout.tsx';

export const QUEUE_PAGE_SIZE = 50;

const dateOrInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'expected a date (YYYY-MM-DD) or an ISO 8601 instant');

/** The query string the queue understands; every field optional, empty means "any". */
const queueQuery = z.object({
  rule: z.string().max(256).optional(),
  segment: z.string().max(256).optional(),
  band: z.string().max(256).optional(),
  decision: z.enum(['review', 'escalate']).optional(),
  from: dateOrInstant.optional(),
  to: dateOrInstant.optional(),
  labelled: z.enum(['yes', 'no']).optional(),
  after: z.string().regex(/^(null|[0-9.eE+-]+):\d+$/, 'expected the cursor of a "next page" link').optional(),
});
type QueueQuery = z.infer<typeof queueQuery>;

/** Turns the page's query into the store's filter; a date `to` includes that whole day. */
function toFilter(q: QueueQuery): QueueFilter {
  const instant = (v: string, endOfDay: boolean) => {
    if (v.length > 10) return new Date(v).toISOString();
    const d = new Date(`${v}T00:00:00.000Z`);
    return new Date(d.getTime() + (endOfDay ? 86_400_000 : 0)).toISOString();
  };
  let after: QueueFilter['after'];
  if (q.after) {
    const [s, seq] = q.after.split(':');
    after = queueCursorSchema.parse({ score: s === 'null' ? null : Number(s), seq: Number(seq) });
  }
  return {
    ruleId: q.rule, segment: q.segment, band: q.band, decision: q.decision,
    from: q.from ? instant(q.from, false) : undefined, to: q.to ? instant(q.to, true) : undefined,
    labelled: q.labelled === undefined ? undefined : q.labelled === 'yes', after, limit: QUEUE_PAGE_SIZE,
  };
}

/** GET /queue */
export async function queuePage(c: Context, deps: ConsoleDeps) {
  // Empty fields (a submitted form with nothing chosen) mean "any".
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
  const parsed = queueQuery.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(c, 400, `queue filter '${issue.path.join('.')}': ${issue.message}`);
  }
  let filter: QueueFilter;
  try {
    filter = queueFilterSchema.parse(toFilter(parsed.data));
  } catch (err) {
    const issue = (err as z.ZodError).issues?.[0];
    return refuse(c, 400, issue ? `queue filter '${issue.path.join('.')}': ${issue.message}` : `queue filter: ${(err as Error).message}`);
  }
  const started = performance.now();
  const { rows, next, scanLimited } = await deps.store.queuePage(filter);
  const ms = performance.now() - started;
  const q = parsed.data;
  const nextQuery = next ? new URLSearchParams({ ...raw, after: `${next.score === null ? 'null' : String(next.score)}:${next.seq}` }).toString() : undefined;
  const firstQuery = new URLSearchParams(Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'after'))).toString();
  return c.html(
    <Layout title="Queue" active="/queue" user={c.get('consoleUser')}>
      <form method="get" action="/queue" class="filters" data-testid="queue-filters">
        <label>Rule<input name="rule" value={q.rule ?? ''} placeholder="any" size={16} /></label>
        <label>Segment<input name="segment" value={q.segment ?? ''} placeholder="any" size={10} /></label>
        <label>Band<input name="band" value={q.band ?? ''} placeholder="any" size={8} /></label>
        <label>Decision
          <select name="decision">
            <option value="">review + escalate</option>
            <option value="escalate" selected={q.decision === 'escalate'}>escalate</option>
            <option value="review" selected={q.decision === 'review'}>review</option>
          </select>
        </label>
        <label>From<input type="date" name="from" value={q.from?.slice(0, 10) ?? ''} /></label>
        <label>To<input type="date" name="to" value={q.to?.slice(0, 10) ?? ''} /></label>
        <label>Labelled
          <select name="labelled">
            <option value="">any</option>
            <option value="no" selected={q.labelled === 'no'}>not yet</option>
            <option value="yes" selected={q.labelled === 'yes'}>labelled</option>
          </select>
        </label>
        <button type="submit">Filter</button>
        <a href="/queue" class="button secondary">Clear</a>
      </form>
      {rows.length === 0 ? (
        <div class="empty">{scanLimited
          ? `None of the next ${QUEUE_SCAN_LIMIT.toLocaleString('en-US')} queue decisions match; "keep searching" looks further down the list.`
          : `No review or escalate decisions match${q.after ? ' past this page' : ''}.`}</div>
      ) : (
        <table data-testid="queue">
          <thead>
            <tr><th class="num">score</th><th>decision</th><th>alert</th><th>rule</th><th>segment</th><th>band</th><th>entity</th><th>decided</th><th>label</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-alert={r.alertId}>
                <td class="num">{score(r.score)}</td>
                <td><span class={`pill ${r.decision}`}>{r.decision}</span>{r.sample ? <span class="muted"> sample</span> : null}</td>
                <td><a href={`/alerts/${encodeURIComponent(r.alertId)}`}>{r.alertId}</a></td>
                <td>{r.ruleId}</td>
                <td>{r.segment ?? '—'}</td>
                <td>{r.band}</td>
                <td>{r.entityId ?? '—'}</td>
                <td>{when(r.decidedAt)}</td>
                <td>{r.disposition ? <span class="pill label">{r.disposition}</span> : <span class="muted">unlabelled</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        {q.after ? <a href={`/queue${firstQuery ? `?${firstQuery}` : ''}`}>« first page</a> : null}
        {nextQuery ? <a href={`/queue?${nextQuery}`} rel="next">{scanLimited ? 'keep searching »' : 'next page »'}</a> : null}
        <span class="muted">{rows.length} shown{scanLimited ? ` (this page stopped after ${QUEUE_SCAN_LIMIT.toLocaleString('en-US')} decisions; more may match further down)` : ''} · {ms.toFixed(1)} ms</span>
      </div>
    </Layout>,
  );
}

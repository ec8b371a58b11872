/**
 * @module The `replay` use case: send a file of alerts to a running service as a pipeline would,
 * and (for demos, tests and shadow trials) answer every alert it sends to review with the file's
 * label, as analysts would. Talks HTTP only, so it exercises exactly what production traffic does.
 */
import type { AttributeValue } from '../features/index.ts';
import { readTable } from '../io/read-table.ts';
import { alertFromRecord } from '../serving/alert-schema.ts';

export interface ReplayOptions {
  data: string;
  url: string;
  /** With a label column, post feedback for every reviewed alert (1 → true_positive, else false_positive). */
  label?: string;
  feedback?: boolean;
  batch?: number;
  apiKey?: string;
  limit?: number;
  onProgress?(sent: number, total: number): void;
}

export interface ReplayResult {
  alerts: number;
  /** Alerts per decision. */
  decisions: Record<string, number>;
  /** Alerts per model version that answered (`name/version`). */
  models: Record<string, number>;
  feedbackPosted: number;
}

export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  const table = await readTable(o.data);
  const batch = o.batch ?? 100;
  const total = Math.min(table.rowCount, o.limit ?? Infinity);
  const labelCol = o.label === undefined ? -1 : table.names.indexOf(o.label);
  if (o.feedback && labelCol < 0) throw new Error(`${o.data}: --feedback needs the label column '${o.label ?? '(none given)'}'`);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) };
  const out: ReplayResult = { alerts: 0, decisions: {}, models: {}, feedbackPosted: 0 };
  for (let start = 0; start < total; start += batch) {
    const rows: Record<string, AttributeValue>[] = [];
    for (let i = start; i < Math.min(start + batch, total); i++) rows.push(Object.fromEntries(table.names.map((n, j) => [n, table.columns[j][i]])));
    const alerts = rows.map((r) => alertFromRecord(r, o.label));
    const scored = (await post(`${o.url}/v1/score`, { alerts }, headers)) as { model: { name: string; version: string }; results: { id: string | null; index: number; decision: string }[] };
    const model = `${scored.model.name}/${scored.model.version}`;
    out.models[model] = (out.models[model] ?? 0) + alerts.length;
    out.alerts += alerts.length;
    for (const r of scored.results) out.decisions[r.decision] = (out.decisions[r.decision] ?? 0) + 1;
    if (o.feedback) {
      const decidedAt = new Date().toISOString();
      const items = scored.results
        .filter((r) => r.decision !== 'auto_close' && r.id !== null)
        .map((r) => ({ alertId: r.id!, disposition: Number(rows[r.index][o.label!]) === 1 ? 'true_positive' : 'false_positive', analystId: 'replay', decidedAt }));
      if (items.length > 0) await post(`${o.url}/v1/feedback`, { items }, headers);
      out.feedbackPosted += items.length;
    }
    o.onProgress?.(out.alerts, total);
  }
  return out;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (err) {
    throw new Error(`cannot reach ${url} (${(err as Error).message}); is 'winnow serve' running?`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

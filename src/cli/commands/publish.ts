/** @module `winnow publish`: send alerts from a file to a JetStream subject (for `winnow consume`), and optionally read their results. */
import { createHash } from 'node:crypto';
import { connect, type Msg } from '@nats-io/transport-node';
import { readTable } from '../../io/read-table.ts';
import type { AttributeValue } from '../../features/index.ts';
import { alertFromRecord } from '../../serving/alert-schema.ts';
import { ensureStream } from '../../intake/nats-setup.ts';
import { type Command, integer, parseFlags, required } from '../args.ts';

const usage = `Usage: winnow publish --data FILE [options]

Publish the alerts of a CSV or JSONL file (as 'winnow generate' writes them; a label column is left
out) to a JetStream subject, for 'winnow consume'. Each message holds one alert, or with --batch N
{"alerts":[…N alerts…]}. Every message carries a JetStream message id (the alert id, or a hash of
the batch's ids), so publishing the same file twice within the stream's duplicate window (2 min by
default) stores each message once. The stream is created over --subject when it does not exist.

Options:
  --data FILE          alerts to publish (.csv or .jsonl)
  --server URL         NATS server (WINNOW_NATS_URL, default nats://127.0.0.1:4222)
  --stream NAME        stream (WINNOW_NATS_STREAM, default WINNOW_ALERTS)
  --subject SUBJECT    subject (WINNOW_NATS_SUBJECT, default winnow.alerts)
  --batch N            alerts per message (default 1)
  --limit N            publish only the first N alerts of the file
  --results N          before publishing, subscribe to --results-subject; print the first N
                       results as JSON lines, wait until every published alert has its result
                       (or --timeout-s passes) and print a summary of the decisions
  --results-subject S  (WINNOW_NATS_RESULTS, default winnow.results)
  --timeout-s S        how long --results waits (default 60)

Example:
  winnow generate --rows 1000 --seed 7 --out data/alerts.jsonl
  winnow publish --data data/alerts.jsonl --batch 100 --results 3`;

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish alerts from a file to NATS JetStream for winnow consume',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      data: { type: 'string' }, server: { type: 'string' }, stream: { type: 'string' }, subject: { type: 'string' }, batch: { type: 'string' },
      limit: { type: 'string' }, results: { type: 'string' }, 'results-subject': { type: 'string' }, 'timeout-s': { type: 'string' },
    });
    const env = process.env;
    const data = required(v, 'data');
    const server = v.server ?? env.WINNOW_NATS_URL ?? 'nats://127.0.0.1:4222';
    const stream = v.stream ?? env.WINNOW_NATS_STREAM ?? 'WINNOW_ALERTS';
    const subject = v.subject ?? env.WINNOW_NATS_SUBJECT ?? 'winnow.alerts';
    const resultsSubject = v['results-subject'] ?? env.WINNOW_NATS_RESULTS ?? 'winnow.results';
    const batch = integer(v, 'batch', 1, 1);
    const show = v.results === undefined ? undefined : integer(v, 'results', 0);
    const timeoutMs = 1000 * integer(v, 'timeout-s', 60, 1);
    const table = await readTable(data);
    const n = Math.min(table.rowCount, integer(v, 'limit', table.rowCount, 1));
    const alerts = Array.from({ length: n }, (_, r) => {
      const row: Record<string, AttributeValue> = {};
      table.names.forEach((name, c) => { row[name] = table.columns[c][r]; });
      return alertFromRecord(row);
    });

    const nc = await connect({ servers: server }).catch((err: Error) => {
      throw new Error(`cannot connect to NATS at ${server}: ${err.message} (is nats-server running with -js?)`);
    });
    try {
      const { js } = await ensureStream(nc, stream, subject);
      // Subscribed before the first publish, so no result can arrive unseen.
      const waiting = show === undefined ? undefined : collectResults(nc.subscribe(resultsSubject), new Set(alerts.map((a) => a.id)), show, timeoutMs);
      const started = performance.now();
      const window: Promise<unknown>[] = [];
      let messages = 0;
      for (let i = 0; i < alerts.length; i += batch) {
        const chunk = alerts.slice(i, i + batch);
        const body = batch === 1 ? chunk[0] : { alerts: chunk };
        const msgID = batch === 1 ? chunk[0].id : createHash('sha256').update(chunk.map((a) => a.id).join('\n')).digest('hex');
        window.push(js.publish(subject, JSON.stringify(body), { msgID }));
        messages++;
        // At most 256 publishes awaiting the stream's ack: fast, without holding the file in flight.
        if (window.length >= 256) await Promise.all(window.splice(0));
      }
      await Promise.all(window);
      const seconds = (performance.now() - started) / 1000;
      console.error(`published ${alerts.length} alerts in ${messages} messages to ${subject} (stream ${stream}) in ${seconds.toFixed(2)} s`);
      if (waiting) {
        const { received, decisions } = await waiting;
        const summary = Object.entries(decisions).sort().map(([d, c]) => `${d} ${c}`).join(', ');
        console.error(`results on ${resultsSubject}: ${received} of ${alerts.length}${received < alerts.length ? ` (gave up after ${timeoutMs / 1000} s: is winnow consume running?)` : ''}; ${summary || 'no decisions'}`);
        return received < alerts.length ? 1 : 0;
      }
      return 0;
    } finally {
      await nc.drain();
    }
  },
};

/** Read results until every id has one (or the time is up), printing the first `show` of them. */
async function collectResults(sub: AsyncIterable<Msg> & { unsubscribe(): void }, ids: Set<string>, show: number, timeoutMs: number) {
  const decisions: Record<string, number> = {};
  const seen = new Set<string>();
  const timer = setTimeout(() => sub.unsubscribe(), timeoutMs);
  for await (const m of sub) {
    const result = m.json<{ id: string | null; decision: string }>();
    if (result.id === null || !ids.has(result.id) || seen.has(result.id)) continue;
    seen.add(result.id);
    decisions[result.decision] = (decisions[result.decision] ?? 0) + 1;
    if (seen.size <= show) console.log(JSON.stringify(result));
    if (seen.size === ids.size) break;
  }
  clearTimeout(timer);
  sub.unsubscribe();
  return { received: seen.size, decisions };
}

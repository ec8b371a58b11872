/** @module `winnow replay`: send a file of alerts through a running service, optionally answering reviews with the file's labels. */
import { replay } from '../../pipeline/replay.ts';
import { type Command, integer, parseFlags, required } from '../args.ts';
import { progressReporter } from '../progress.ts';

const usage = `Usage: winnow replay --data FILE [--url URL] [--label COL --feedback] [options]

Send every alert of FILE (.csv or .jsonl, training-data columns) to POST /v1/score in batches, as
an alert pipeline would, and print how they were decided and by which model version.
With --feedback, act as the analysts too: every alert sent to review is answered on
POST /v1/feedback with the file's label (1 → true_positive, otherwise false_positive).
For demos, load tests and shadow trials on synthetic data ('winnow generate').

Options:
  --data FILE      alerts to send
  --url URL        the service (default http://127.0.0.1:8080)
  --label COL      the label column (default is_true_positive); never sent to the service
  --feedback       post the label of every reviewed alert as analyst feedback
  --batch N        alerts per request (default 100)
  --limit N        send only the first N alerts
  --api-key KEY    bearer key with the score (and feedback) scope (WINNOW_API_KEY)

Example:
  winnow replay --data data/alerts.csv --feedback`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'send a file of alerts through a running service (and answer reviews with its labels)',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      data: { type: 'string' }, url: { type: 'string' }, label: { type: 'string' }, feedback: { type: 'boolean' },
      batch: { type: 'string' }, limit: { type: 'string' }, 'api-key': { type: 'string' },
    });
    const progress = progressReporter('replayed');
    const res = await replay({
      data: required(v, 'data'), url: (v.url ?? 'http://127.0.0.1:8080').replace(/\/$/, ''), label: v.label ?? 'is_true_positive', feedback: v.feedback,
      batch: integer(v, 'batch', 100, 1), limit: v.limit === undefined ? undefined : integer(v, 'limit', 0, 1), apiKey: v['api-key'] ?? process.env.WINNOW_API_KEY,
      onProgress: (sent, total) => progress.update(sent, total, 'alerts'),
    });
    progress.done(`${res.alerts} alerts`);
    console.log(JSON.stringify(res, null, 2));
    return 0;
  },
};

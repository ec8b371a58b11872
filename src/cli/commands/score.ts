/** @module `winnow score`: add a risk score and rank to every alert in a file. */
import { scoreFile } from '../../pipeline/score-file.ts';
import { type Command, integer, parseFlags, required, UsageError } from '../args.ts';
import { MAX_REASON_CODES } from '../../explain/index.ts';
import { phasedProgress } from '../progress.ts';

/** As train's `threads` parameter allows. */
const MAX_THREADS = 64;

const usage = `Usage: winnow score --model DIR --data FILE --out FILE [--explain N] [--threads N]

Score every alert in FILE with a model bundle and write them all to --out (CSV or JSONL by
extension) with three more columns: winnow_score (probability of true risk), winnow_rank
(1 = riskiest) and winnow_error (why a row could not be scored; such rows are kept, unscored).

Options:
  --model DIR   model bundle (e.g. models/default/1)
  --data FILE   alerts to score (.csv or .jsonl); labels, if present, are ignored
  --out FILE    where to write the scored alerts
  --explain N   also write the N reason codes of each scored alert: reason_1 … reason_N (feature
                names, largest |contribution| first) and reason_k_contribution (change in log-odds,
                > 0 raised the risk), from exact TreeSHAP over the bundle's trees (~1.5 ms/alert
                on one core)
  --threads N   threads for --explain (default 0 = one per core; 1 = no worker threads); the
                reason codes are the same whatever the count

Progress goes to stderr; stdout stays empty.

Example:
  winnow score --model models/default/1 --data data/alerts.csv --out data/scored.csv`;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'score and rank every alert in a file with a model bundle',
  usage,
  async run(argv) {
    const v = parseFlags(argv, { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, explain: { type: 'string' }, threads: { type: 'string' } });
    const out = required(v, 'out');
    const explain = integer(v, 'explain', 0);
    if (explain > MAX_REASON_CODES) throw new UsageError(`--explain must be at most ${MAX_REASON_CODES}, got ${explain}`);
    const threads = integer(v, 'threads', 0);
    if (threads > MAX_THREADS) throw new UsageError(`--threads must be at most ${MAX_THREADS}, got ${threads}`);
    const progress = phasedProgress();
    const res = await scoreFile({ model: required(v, 'model'), data: required(v, 'data'), out, explain, threads, onProgress: progress.update })
      .catch((err) => { progress.fail(); throw err; });
    const failed = res.failed ? `; ${res.failed} could not be scored (see winnow_error)` : '';
    const explained = res.explainThreads ? `; reason codes on ${res.explainThreads} thread${res.explainThreads > 1 ? 's' : ''}` : '';
    progress.done(`scored ${res.scored} of ${res.rows} alerts into ${out}${failed}${explained}`);
    return 0;
  },
};

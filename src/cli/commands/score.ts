/** @module `winnow score`: add a risk score and rank to every alert in a file. */
import { scoreFile } from '../../pipeline/score-file.ts';
import { type Command, integer, parseFlags, required, UsageError } from '../args.ts';
import { MAX_REASON_CODES } from '../../explain/index.ts';

const usage = `Usage: winnow score --model DIR --data FILE --out FILE [--explain N]

Score every alert in FILE with a model bundle and write them all to --out (CSV or JSONL by
extension) with three more columns: winnow_score (probability of true risk), winnow_rank
(1 = riskiest) and winnow_error (why a row could not be scored; such rows are kept, unscored).

Options:
  --model DIR   model bundle (e.g. models/default/1)
  --data FILE   alerts to score (.csv or .jsonl); labels, if present, are ignored
  --out FILE    where to write the scored alerts
  --explain N   also write the N reason codes of each scored alert: reason_1 … reason_N (feature
                names, largest |contribution| first) and reason_k_contribution (change in log-odds,
                > 0 raised the risk), from exact TreeSHAP over the bundle's trees (~1.5 ms/alert)

Example:
  winnow score --model models/default/1 --data data/alerts.csv --out data/scored.csv`;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'score and rank every alert in a file with a model bundle',
  usage,
  async run(argv) {
    const v = parseFlags(argv, { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, explain: { type: 'string' } });
    const out = required(v, 'out');
    const explain = integer(v, 'explain', 0);
    if (explain > MAX_REASON_CODES) throw new UsageError(`--explain must be at most ${MAX_REASON_CODES}, got ${explain}`);
    const res = await scoreFile({ model: required(v, 'model'), data: required(v, 'data'), out, explain });
    process.stderr.write(`scored ${res.scored} of ${res.rows} alerts into ${out}${res.failed ? `; ${res.failed} could not be scored (see winnow_error)` : ''}\n`);
    return 0;
  },
};

/** @module `winnow score`: add a risk score and rank to every alert in a file. */
import { scoreFile } from '../../pipeline/score-file.ts';
import { type Command, parseFlags, required } from '../args.ts';

const usage = `Usage: winnow score --model DIR --data FILE --out FILE

Score every alert in FILE with a model bundle and write them all to --out (CSV or JSONL by
extension) with three more columns: winnow_score (probability of true risk), winnow_rank
(1 = riskiest) and winnow_error (why a row could not be scored; such rows are kept, unscored).

Options:
  --model DIR   model bundle (e.g. models/default/1)
  --data FILE   alerts to score (.csv or .jsonl); labels, if present, are ignored
  --out FILE    where to write the scored alerts

Example:
  winnow score --model models/default/1 --data data/alerts.csv --out data/scored.csv`;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'score and rank every alert in a file with a model bundle',
  usage,
  async run(argv) {
    const v = parseFlags(argv, { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } });
    const out = required(v, 'out');
    const res = await scoreFile({ model: required(v, 'model'), data: required(v, 'data'), out });
    process.stderr.write(`scored ${res.scored} of ${res.rows} alerts into ${out}${res.failed ? `; ${res.failed} could not be scored (see winnow_error)` : ''}\n`);
    return 0;
  },
};

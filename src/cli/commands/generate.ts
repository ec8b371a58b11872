/** @module `winnow generate`: write seeded synthetic compliance alerts to CSV or JSONL. */
import { type TableRow, writeAlerts } from '../../io/write-table.ts';
import { ALERT_COLUMNS } from '../../synth/columns.ts';
import { generateAlerts } from '../../synth/generate.ts';
import { parseShift } from '../../synth/shift.ts';
import { type Command, integer, parseFlags, required, UsageError } from '../args.ts';
import { progressReporter } from '../progress.ts';

const usage = `Usage: winnow generate --rows N --out FILE [--seed S] [--start ISO-DATE] [--months M]

Write N synthetic alerts from a crypto exchange's rules (transaction monitoring, sanctions/PEP
screening, access risk, KYC, market manipulation) with customer-profile attributes, missing
values, a time column spanning M months and a label (is_true_positive, 1–5% positive).
The format follows the extension: .csv or .jsonl. The same seed always writes the same file.

Options:
  --rows N          number of alerts (required)
  --out FILE        where to write (.csv or .jsonl)
  --seed S          random seed (default 1)
  --start DATE      first alert time (default 2025-01-01T00:00:00Z)
  --months M        length of the period (default 9)
  --shift C=F,…     multiply numeric columns by factors after the labels are drawn, a deliberate
                    drift for monitoring demos (e.g. amount_usd=2.0,txn_count_24h=3); without it
                    the output is byte-identical to earlier versions

Example:
  winnow generate --rows 100000 --seed 1 --out data/alerts.csv`;

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write synthetic, labelled compliance alerts (CSV or JSONL)',
  usage,
  async run(argv) {
    const v = parseFlags(argv, { rows: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, months: { type: 'string' }, shift: { type: 'string' } });
    const rows = integer(v, 'rows', NaN, 1);
    if (Number.isNaN(rows)) throw new UsageError('missing --rows');
    const out = required(v, 'out');
    const seed = integer(v, 'seed', 1);
    const months = integer(v, 'months', 9, 1);
    const start = v.start ?? '2025-01-01T00:00:00Z';
    if (Number.isNaN(Date.parse(start))) throw new UsageError(`--start must be an ISO date, got '${start}'`);
    const progress = progressReporter('generating');
    let shift;
    try {
      shift = v.shift === undefined ? undefined : parseShift(v.shift);
    } catch (err) {
      throw new UsageError(`--shift: ${(err as Error).message}`);
    }
    const alerts = generateAlerts({ rows, seed, start, months, shift });
    let done = 0;
    const counted = (function* (): Generator<TableRow> {
      for (const a of alerts) {
        if (++done % 10_000 === 0) progress.update(done, rows);
        // AlertRow is a closed interface; the writer reads it by column name.
        yield a as unknown as TableRow;
      }
    })();
    const written = await writeAlerts(out, counted, ALERT_COLUMNS);
    progress.done(`wrote ${written} alerts to ${out}`);
    return 0;
  },
};

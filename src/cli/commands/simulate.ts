/** @module `winnow simulate`: what every closing threshold would do on labelled alerts, and which one to choose. */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { simulationChart } from '../../charts/index.ts';
import { PERIODS, type Period, simulate, type SimulateResult } from '../../pipeline/simulate.ts';
import { curveColumns, type Selection } from '../../thresholds/index.ts';
import { type Command, integer, list, parseFlags, required, UsageError } from '../args.ts';
import { formatSimulation } from './format-simulation.ts';
import { phasedProgress } from '../progress.ts';

const usage = `Usage: winnow simulate --model DIR --data FILE --label COL [options]

Score labelled alerts with a model bundle through ONNX Runtime, then show what closing every alert
scored below a threshold would do, for every threshold: the share of alerts closed, the share of
false positives closed (FP reduction), the share of true positives kept for review (recall), the
precision of the review queue, and the analysts' workload. Chooses one threshold for a recall
target or an alert budget and, with --by, one threshold per rule or segment, chosen together so
the OVERALL recall still meets the target while closing as many alerts as possible.

Options:
  --model DIR               model bundle (e.g. models/default/1)
  --data FILE               labelled alerts (.csv or .jsonl)
  --label COL               label column (1/0 or true/false; empty cells are left out)
  --weight COL              per-row sample weight column: a row counts as that many alerts
  --holdout                 only the rows the training run held out (same file it was trained on)
  --since TIME, --until TIME  only rows in [since, until) (ISO-8601)
  --time-column COL         time column (default: the model's, if the file has it); orders rows for
                            --check-fraction and gives the time span for per-period workload

Choosing the threshold (one of):
  --target-recall R         the highest threshold keeping at least R of true positives (default 0.95)
  --alert-budget N          the lowest threshold leaving at most N alerts per --period to review,
                            so the budget is met while keeping as many true positives as it allows
                            (needs a time column: the budget is N × the periods the data spans)
  --review-share S          the same with the budget as a share S of all alerts, in (0, 1]
  --period day|week|month   period of --alert-budget and of the workload (default day;
                            a month is 365.25/12 days)
  --minutes-per-alert M     analyst minutes per reviewed alert, for hours (default 10)

Per-group thresholds:
  --by rule|segment         one threshold per value of rule_id or segment
  --by-column COL           one threshold per value of any column
  --min-group-positives N   groups with fewer labelled true positives share one pooled threshold,
                            '(other)' (default 20): a cut fitted to a handful of positives does not
                            hold next month
  --min-group-recall R      each group must also keep at least R of its own true positives
                            (default 0: only the overall target binds)
                            With --alert-budget or --review-share the groups are optimised for the
                            recall the single budget threshold reaches, to show what they save.

Policy and checks:
  --never-suppress RULES    comma-separated rule ids whose alerts are never closed (as the serving
                            policy's neverSuppress): they stay in every review queue and their true
                            positives count in recall. Default: the same as 'winnow serve'
                            (WINNOW_NEVER_SUPPRESS, else scr_sanctions); --never-suppress '' for none
  --rule-column COL         column holding rule ids for --never-suppress (default rule_id)
  --check-fraction F        choose on the earliest (1 - F) of the rows, then report what the chosen
                            thresholds do on the latest F, which they never saw (default 0: no check)

Output:
  --json FILE               everything as JSON: the chosen point, every distinct threshold (as
                            columns), the table, per-group thresholds and the check
  --chart FILE.svg          an SVG chart: recall, FP reduction, alerts closed and precision against
                            the threshold (log scale), the chosen threshold marked; with --by, a
                            second panel of the share closed per group

How the per-group thresholds are chosen: maximise alerts closed subject to overall recall >= target,
exactly, by dynamic programming over the true positives the target lets go (see
src/thresholds/group-thresholds.ts). Each group keeps at least its highest-scored alert.

Example:
  winnow simulate --model models/default/1 --data data/alerts.csv --label is_true_positive \\
    --target-recall 0.95 --by rule --check-fraction 0.3 --json sim.json --chart sim.svg`;

const BY_COLUMN: Record<string, string> = { rule: 'rule_id', segment: 'segment' };

function positiveNumber(v: string | undefined, flag: string, { max = Infinity, inclusiveMax = true } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0 && (inclusiveMax ? n <= max : n < max)) || v.trim() === '') {
    const range = max === Infinity ? '> 0' : `in (0, ${max}${inclusiveMax ? ']' : ')'}`;
    throw new UsageError(`--${flag} must be a number ${range}, got '${v}'`);
  }
  return n;
}

function groupRecallFloor(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--min-group-recall must be a number in [0, 1], got '${v}'`);
  return n;
}

function selectionOf(v: Record<string, unknown>): Selection {
  const target = positiveNumber(v['target-recall'] as string | undefined, 'target-recall', { max: 1 });
  const budget = positiveNumber(v['alert-budget'] as string | undefined, 'alert-budget');
  const share = positiveNumber(v['review-share'] as string | undefined, 'review-share', { max: 1 });
  const given = [target, budget, share].filter((x) => x !== undefined).length;
  if (given > 1) throw new UsageError('give one of --target-recall, --alert-budget and --review-share');
  if (budget !== undefined) return { kind: 'budget', perPeriod: budget };
  if (share !== undefined) return { kind: 'share', share };
  return { kind: 'recall', target: target ?? 0.95 };
}

/**
 * The JSON file: every number the report shows, indented, then every distinct threshold as compact
 * columns (one line per column, not one per value: a million thresholds stay a readable file).
 */
function jsonReport(r: SimulateResult, data: string, minutesPerAlert: number): string {
  const { curve, ...sim } = r.simulation;
  const { manifest, simulation: _s, ...run } = r;
  const head = {
    model: { name: manifest.name, version: manifest.version },
    data,
    ...run,
    minutesPerAlert,
    totals: { alerts: curve.positives + curve.negatives, positives: curve.positives, negatives: curve.negatives, alwaysReviewedPositives: curve.alwaysReviewedPositives, alwaysReviewedNegatives: curve.alwaysReviewedNegatives, distinctThresholds: curve.thresholds.length },
    ...sim,
  };
  const columns = Object.entries(curveColumns(curve)).map(([k, values]) => `    ${JSON.stringify(k)}: ${JSON.stringify(values)}`);
  return `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "curve": {\n${columns.join(',\n')}\n  }\n}\n`;
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'what every closing threshold would do (recall, FP reduction, workload); choose one, or one per rule',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      model: { type: 'string' }, data: { type: 'string' }, label: { type: 'string' }, weight: { type: 'string' }, holdout: { type: 'boolean' },
      since: { type: 'string' }, until: { type: 'string' }, 'time-column': { type: 'string' },
      'target-recall': { type: 'string' }, 'alert-budget': { type: 'string' }, 'review-share': { type: 'string' }, period: { type: 'string' },
      'minutes-per-alert': { type: 'string' }, by: { type: 'string' }, 'by-column': { type: 'string' }, 'min-group-positives': { type: 'string' }, 'min-group-recall': { type: 'string' },
      'never-suppress': { type: 'string', multiple: true }, 'rule-column': { type: 'string' }, 'check-fraction': { type: 'string' },
      json: { type: 'string' }, chart: { type: 'string' },
    });
    const model = required(v, 'model');
    const data = required(v, 'data');
    const label = required(v, 'label');
    const selection = selectionOf(v);
    const period = (v.period ?? 'day') as Period;
    if (!Object.hasOwn(PERIODS, period)) throw new UsageError(`--period must be one of ${Object.keys(PERIODS).join(', ')}, got '${v.period}'`);
    const minutesPerAlert = v['minutes-per-alert'] === undefined ? 10 : positiveNumber(v['minutes-per-alert'], 'minutes-per-alert')!;
    if (v.by && v['by-column']) throw new UsageError('give --by or --by-column, not both');
    if (v.by && !BY_COLUMN[v.by]) throw new UsageError(`--by must be rule or segment, got '${v.by}' (any other column: --by-column COL)`);
    const groupColumn = v.by ? BY_COLUMN[v.by] : v['by-column'];
    const checkFraction = v['check-fraction'] === undefined ? 0 : positiveNumber(v['check-fraction'], 'check-fraction', { max: 1, inclusiveMax: false })!;
    if (v.chart && !v.chart.toLowerCase().endsWith('.svg')) throw new UsageError(`--chart writes SVG: give a file ending in .svg, got '${v.chart}'`);

    // The serving default, so a simulation never closes alerts the service would not.
    const neverSuppress = v['never-suppress'] === undefined ? list({ n: process.env.WINNOW_NEVER_SUPPRESS ?? 'scr_sanctions' }, 'n') : list(v, 'never-suppress');
    const progress = phasedProgress();
    const res = await simulate({
      model, data, label, weightColumn: v.weight, holdout: v.holdout, since: v.since, until: v.until, timeColumn: v['time-column'],
      selection, period, minutesPerAlert, groupColumn, minGroupPositives: integer(v, 'min-group-positives', 20, 1), minGroupRecall: groupRecallFloor(v['min-group-recall']),
      neverSuppress, ruleColumn: v['rule-column'], checkFraction, onProgress: progress.update,
    }).catch((err) => { progress.fail(); throw err; });
    // Before stdout's first line: on a terminal the progress bar must be cleared first.
    progress.done(`simulated on ${res.evaluatedRows} rows`);
    if (v['never-suppress'] !== undefined) for (const rule of res.unknownNeverSuppress) console.error(`warning: --never-suppress ${rule}: no alert in ${basename(data)} has this rule id`);
    const source = basename(data);
    console.log(formatSimulation(res, source, minutesPerAlert));
    if (v.json) {
      await writeOut(v.json, jsonReport(res, data, minutesPerAlert));
      console.log(`\nwrote ${v.json}`);
    }
    if (v.chart) {
      const ctx = { source: `model ${res.manifest.name}/${res.manifest.version} on ${source}`, groupColumn, period: res.fitPeriods !== undefined ? period : undefined };
      await writeOut(v.chart, simulationChart(res.simulation, ctx));
      console.log(`${v.json ? '' : '\n'}wrote ${v.chart}`);
    }
    return 0;
  },
};

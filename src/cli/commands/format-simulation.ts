/** @module Plain-text rendering of a threshold simulation for the terminal: summary, threshold table, groups, check. */
import { formatThreshold, selectionText } from '../../charts/index.ts';
import type { SimulateResult } from '../../pipeline/simulate.ts';
import { POOLED_GROUP, type ThresholdPoint, type WorkedPoint, workload, type Workload } from '../../thresholds/index.ts';

const pct = (x: number, digits = 1) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(digits)}%`);
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** Pad cells to columns: the first left-aligned, the rest right-aligned. */
function columns(rows: string[][], indent = '  '): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

function workloadText(w: Workload, minutes: number, period: string): string {
  const per = w.reviewedPerPeriod !== undefined ? ` (${count(w.reviewedPerPeriod)} alerts, ${w.hoursPerPeriod!.toFixed(1)} h per ${period})` : '';
  return `${count(w.reviewed)} alerts to review = ${count(w.hours)} analyst hours at ${minutes} min/alert${per}`;
}

function outcome(p: ThresholdPoint): string {
  return `recall ${pct(p.recall)}, closes ${pct(p.closedShare)} of alerts and ${pct(p.fpReduction)} of false positives, review-queue precision ${pct(p.precision)}`;
}

/** The whole report. */
export function formatSimulation(r: SimulateResult, source: string, minutesPerAlert: number): string {
  const sim = r.simulation;
  const { curve, chosen } = sim;
  const alerts = curve.positives + curve.negatives;
  const period = r.period;
  const weighted = r.weightColumn ? `, weighted by '${r.weightColumn}' (counts are weighted alerts)` : '';
  const lines: string[] = [`model ${r.manifest.name}/${r.manifest.version} on ${source}: ${r.evaluatedRows} of ${r.labelledRows} labelled rows${weighted}`];
  if (r.checkRows > 0) {
    const order = r.timeColumn ? `by '${r.timeColumn}'` : 'in file order (no time column)';
    lines.push(`thresholds chosen on the first ${count(r.fitRows)} rows ${order}; checked on the last ${count(r.checkRows)}`);
  }
  const span = r.fitPeriods !== undefined ? `, over ${r.fitPeriods.toFixed(1)} ${period}s` : '';
  lines.push(`chosen on ${count(alerts)} alerts, ${count(curve.positives)} true positives (${pct(curve.positives / alerts, 2)})${span}`);
  if (r.neverSuppress.length > 0) {
    const always = curve.alwaysReviewedPositives + curve.alwaysReviewedNegatives;
    lines.push(`never suppressed (always reviewed, whatever the score): ${r.neverSuppress.join(', ')}: ${count(always)} alerts, ${count(curve.alwaysReviewedPositives)} true positives`);
  }

  lines.push('', `chosen: ${selectionText(sim, period)}${sim.maxReviewed !== undefined ? ` (${count(sim.maxReviewed)} reviews on this data)` : ''}`);
  lines.push(`  close alerts scored below ${chosen.threshold}`);
  lines.push(`  closes ${count(chosen.closed)} alerts (${pct(chosen.closedShare)}) and ${pct(chosen.fpReduction)} of false positives`);
  lines.push(`  keeps ${pct(chosen.recall)} of true positives for review (${count(chosen.positivesClosed)} of ${count(curve.positives)} would be closed); review-queue precision ${pct(chosen.precision)}`);
  lines.push(`  workload: ${workloadText(chosen.workload, minutesPerAlert, period)}`);
  lines.push(`     was: ${workloadText(sim.reviewAll, minutesPerAlert, period)} with nothing closed`);

  const perPeriod = chosen.workload.reviewedPerPeriod !== undefined;
  const header = ['threshold', 'alerts closed', 'FP closed', 'recall', 'precision', 'to review', ...(perPeriod ? [`per ${period}`, `hours/${period}`] : ['hours']), ''];
  const table = sim.table.map((p) => {
    const w = workload(p.reviewed, minutesPerAlert, r.fitPeriods);
    return [
      formatThreshold(p.threshold),
      pct(p.closedShare),
      pct(p.fpReduction),
      pct(p.recall),
      pct(p.precision),
      count(p.reviewed),
      ...(perPeriod ? [count(w.reviewedPerPeriod!), w.hoursPerPeriod!.toFixed(1)] : [count(w.hours)]),
      p.threshold === chosen.threshold ? '◀ chosen' : '',
    ];
  });
  lines.push('', `every threshold at round recalls and shares closed (${curve.thresholds.length} distinct cuts in all; --json has every one):`);
  lines.push(...columns([header, ...table]));

  if (sim.groups) {
    const g = sim.groups;
    const by = r.groupColumn!;
    const floor = g.minGroupRecall > 0 ? `, each keeping at least ${pct(g.minGroupRecall)} of its own` : '';
    lines.push('', `one threshold per ${by}, chosen together for ${pct(g.target)} overall recall${floor} (${by}s with fewer than ${g.minGroupPositives} true positives share '${POOLED_GROUP}'):`);
    const rows = [...g.groups].sort((a, b) => b.alerts - a.alerts).map((grp) => [
      grp.key === POOLED_GROUP ? `${grp.key}: ${grp.members.join(', ')}` : grp.key,
      count(grp.alerts),
      count(grp.positives),
      grp.threshold === null ? 'never' : formatThreshold(grp.threshold),
      pct(grp.closedShare),
      pct(grp.recall),
      '|',
      pct(grp.global.closedShare),
      pct(grp.global.recall),
    ]);
    lines.push(...columns([[by, 'alerts', 'TPs', 'threshold', 'closed', 'recall', '|', 'one thr.: closed', 'recall'], ...rows]));
    const saved = g.global.reviewed - g.perGroup.reviewed;
    const hours = g.globalWorkload.hours - g.perGroupWorkload.hours;
    lines.push(
      `  per-${by} thresholds close ${pct(g.perGroup.closedShare)} of alerts vs ${pct(g.global.closedShare)} with one threshold (${formatThreshold(g.global.threshold)}), at the same recall target ` +
        `(reached: ${pct(g.perGroup.recall, 2)} vs ${pct(g.global.recall, 2)}): ${count(saved)} fewer alerts to review, ${count(hours)} analyst hours`,
    );
    if (sim.selection.kind !== 'recall') {
      lines.push(`  (the target is the recall the budget's threshold reaches; the one threshold compared is the highest that keeps it)`);
    }
    if (g.method === 'global') lines.push(`  (no set of per-${by} thresholds beats the single one here, so it is kept for every ${by})`);
  }

  if (sim.check) {
    const c = sim.check;
    const worked = (p: WorkedPoint) => `${outcome(p)}; ${workloadText(p.workload, minutesPerAlert, period)}`;
    lines.push('', `check on the last ${count(r.checkRows)} rows, not used to choose:`);
    lines.push(`  one threshold (${formatThreshold(chosen.threshold)}): ${worked(c.global)}`);
    if (c.perGroup) lines.push(`  per-${r.groupColumn} thresholds: ${worked(c.perGroup)}`);
  }
  return lines.join('\n');
}

/** @module The experiment report as text for people (`winnow experiment report`): a table per arm, then the verdicts. */
import type { Estimate } from './arm-summary.ts';
import { pct, type ExperimentReport } from './report.ts';

/** Markdown-ish text: per-arm table, comparisons, shadow arms, stopped arms. */
export function formatReport(r: ExperimentReport): string {
  const arms = r.arms;
  const row = (label: string, f: (a: (typeof arms)[number]) => string) => `| ${label} | ${arms.map(f).join(' | ')} |`;
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  const est = (e: Estimate | null, f: (n: number) => string) => (e === null ? 'n/a' : `${f(e.estimate)} (${f(e.low)}–${f(e.high)})`);
  const conf = `${Math.round(r.settings.confidence * 100)}%`;
  const lines = [
    `Experiment ${r.experiment.id} (${r.experiment.status}${r.experiment.stopReason ? `: ${r.experiment.stopReason}` : ''}), assigned by ${r.experiment.unit}; positives: ${r.settings.positive.join(', ')}.`,
    '',
    `| | ${arms.map((a) => `${a.arm} (${a.role}${a.status === 'stopped' ? ', stopped' : ''})`).join(' | ')} |`,
    `|---|${arms.map(() => '---').join('|')}|`,
    row('alerts', (a) => count(a.alerts)),
    row('closed', (a) => `${count(a.closed)} (${pct(a.shareClosed)})`),
    row('reviewed', (a) => `${count(a.reviewed)} (${pct(a.shareReviewed)})`),
    row('escalated', (a) => count(a.escalated)),
    row('labelled', (a) => count(a.labelled)),
    row('true positives found', (a) => (a.role === 'shadow' ? '—' : count(a.truePositivesFound))),
    row('review-queue precision', (a) => (a.queuePrecision === null ? 'n/a' : pct(a.queuePrecision))),
    row('below-the-line sample (labelled, positive)', (a) => `${count(a.sample.sampled)} (${count(a.sample.labelled)}, ${count(a.sample.positives)})`),
    row(`true positives closed, est. (${conf} CI)`, (a) => (a.role === 'shadow' ? 'see below' : est(a.missedTruePositives, (n) => n.toFixed(1)))),
    row(`missed-TP rate = 1 − recall (${conf} CI)`, (a) => (a.role === 'shadow' ? 'see below' : est(a.missedRate, pct))),
    row(`analyst hours saved (${r.settings.minutesPerAlert} min/alert)`, (a) => (a.role === 'shadow' ? '—' : a.analystHoursSaved.toFixed(1))),
    '',
  ];
  for (const c of r.comparisons) {
    lines.push(
      `${c.arm} vs ${c.against}: share closed ${signed(c.shareClosed.difference)} (${p(c.shareClosed.p)}), recall ${c.recallDifference === null ? 'n/a' : signed(c.recallDifference)} (missed-TP test ${p(c.missedTest.p)}).`,
      `  Verdict: ${c.verdict}.`,
    );
  }
  for (const s of r.shadows) lines.push(`${s.arm} (shadow, paired on ${count(s.pairedAlerts)} alerts; McNemar ${p(s.closureTest.p)}): ${s.verdict}.`);
  for (const s of r.stoppedArms) lines.push(`Stopped ${s.arm} at ${s.at}: ${s.reason}.`);
  return lines.join('\n');
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${pct(Math.abs(x))}`;
}

function p(x: number): string {
  return x < 0.001 ? 'p<0.001' : `p=${x.toFixed(3)}`;
}

/**
 * @module One experiment's report as the console shows it: the verdicts first, then a chart of share
 * closed against the estimated missed rate (with its interval) per arm, then the per-arm table of
 * `GET /v1/experiments/{id}/report`. Rendered inside the page, and alone as the fragment the live
 * update fetches.
 */
import type { Child } from 'hono/jsx';
import { intervalChart } from '../../charts/index.ts';
import type { Estimate } from '../../experiments/arm-summary.ts';
import type { Arm, ExperimentState } from '../../experiments/experiment-schema.ts';
import type { ExperimentReport } from '../../experiments/report.ts';
import { count, pct, when } from '../format.ts';
import { Chart } from '../layout.tsx';

/** One colour per arm, in definition order (control first). */
const ARM_COLORS = ['#1f5fbf', '#c8412f', '#1f7a4d', '#8a4fbf', '#a8690c', '#2f8f9f', '#7a7a7a', '#d0568f', '#4f6b2f', '#5b4636'];

/** How an arm decides, in a few words. */
export function describeArm(arm: Arm): string {
  const model = arm.model ?? 'the active model';
  const rule = arm.policy
    ? `policy ${arm.policy.version}`
    : arm.thresholds
      ? `close below ${arm.thresholds.closeBelow}${arm.thresholds.escalateAt !== undefined ? `, escalate at ${arm.thresholds.escalateAt}` : ''}${arm.thresholds.belowTheLineSampleRate !== undefined ? `, sample ${pct(arm.thresholds.belowTheLineSampleRate, 1)}` : ''}`
      : "the service's policy";
  return `${model}, ${rule}${arm.shadow ? ' (shadow: records, never decides)' : `, weight ${arm.weight ?? 1}`}`;
}

function estimate(e: Estimate | null, f: (n: number) => string) {
  return e === null ? <span class="muted">not yet</span> : <>{f(e.estimate)} <span class="ci">({f(e.low)}–{f(e.high)})</span></>;
}

function pValue(x: number): string {
  return x < 0.001 ? 'p < 0.001' : `p = ${x.toFixed(3)}`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${pct(Math.abs(x))}`;
}

export interface ReportViewProps {
  state: ExperimentState;
  report: ExperimentReport;
  /** When the report was read (shown as "as of"). */
  asOf: Date;
}

/** The report block; `data-status` lets the live update stop once the experiment has stopped. */
export function ReportView({ state, report, asOf }: ReportViewProps) {
  const conf = `${Math.round(report.settings.confidence * 100)}%`;
  const live = report.arms.filter((a) => a.role !== 'shadow');
  const colour = (arm: string) => ARM_COLORS[Math.max(0, report.arms.findIndex((a) => a.arm === arm)) % ARM_COLORS.length];
  const svg = intervalChart({
    title: 'Share closed against estimated missed true positives',
    subtitle: `per live arm; bars: ${conf} interval of the missed rate (1 − recall) from the below-the-line sample`,
    xLabel: 'share of alerts closed automatically', yLabel: 'missed true positives (share)',
    points: live.map((a) => ({ label: a.arm, color: colour(a.arm), x: a.shareClosed, y: a.missedRate })),
    limit: report.settings.maxMissedRate !== null ? { y: report.settings.maxMissedRate, label: `guardrail ${pct(report.settings.maxMissedRate)}` } : undefined,
    width: 1180, height: 340,
  });
  const definition = new Map(state.definition.arms.map((a) => [a.name, a]));
  const row = (label: string, cell: (a: ExperimentReport['arms'][number]) => Child, testid?: string) => (
    <tr data-testid={testid}><th scope="row">{label}</th>{report.arms.map((a) => <td class="num">{cell(a)}</td>)}</tr>
  );
  return (
    <div class="report" data-testid="report" data-status={report.experiment.status}>
      <p class="muted" data-testid="as-of">
        Report as of <time datetime={asOf.toISOString()}>{when(asOf.toISOString())}</time>
        {report.experiment.status === 'running' ? ' · running' : ` · stopped ${report.experiment.stoppedAt ? when(report.experiment.stoppedAt) : ''}${report.experiment.stopReason ? `: ${report.experiment.stopReason}` : ''}`}
        {` · assigned by ${report.experiment.unit} · positives: ${report.settings.positive.join(', ')} · guardrail: ${report.settings.maxMissedRate === null ? 'none' : `stop an arm whose missed rate is confidently above ${pct(report.settings.maxMissedRate)}`}`}
      </p>
      <div class="verdicts" data-testid="verdicts">
        {report.comparisons.map((c) => (
          <div class="card verdict" data-testid="verdict">
            <h3>{c.arm} against {c.against}</h3>
            <p class="verdict-text">{c.verdict}.</p>
            <p class="muted">
              Share closed {signed(c.shareClosed.difference)} ({pValue(c.shareClosed.p)}) · recall {c.recallDifference === null ? 'not estimable yet' : signed(c.recallDifference)} (missed-true-positive test {pValue(c.missedTest.p)})
              {c.alertsPerArmNeeded !== null ? ` · about ${count(c.alertsPerArmNeeded)} alerts per arm needed to detect a ${Math.round(report.settings.minDetectableRecallLoss * 100)}-point recall loss` : ''}
            </p>
          </div>
        ))}
        {report.shadows.map((s) => (
          <div class="card verdict" data-testid="shadow-verdict">
            <h3>{s.arm} (shadow) against the live decisions</h3>
            <p class="verdict-text">{s.verdict}.</p>
            <p class="muted">
              Paired on {count(s.pairedAlerts)} alerts · {count(s.changedDecisions)} decisions would change · it would close {count(s.shadowCloses)} (live: {count(s.liveCloses)}) · McNemar {pValue(s.closureTest.p)} ·
              true positives it would close: {count(s.knownTruePositivesShadowWouldClose)} known, est. {estimate(s.estimatedTruePositivesShadowWouldClose, (n) => n.toFixed(1))}
            </p>
          </div>
        ))}
        {report.stoppedArms.map((s) => <p class="flash bad" data-testid="stopped-arm">Arm {s.arm} was stopped at {when(s.at)}: {s.reason}. Its traffic went back to the control.</p>)}
      </div>
      <Chart svg={svg} caption={`Left and low is better: closing more while missing fewer true positives.${report.arms.some((a) => a.role === 'shadow') ? ' Shadow arms are compared paired with the live decisions above, not drawn here.' : ''}`} />
      <table class="arms" data-testid="arms">
        <thead><tr><th></th>{report.arms.map((a) => <th class="num">{a.arm}<br /><span class="role">{a.role}{a.status === 'stopped' ? ', stopped' : ''}</span></th>)}</tr></thead>
        <tbody>
          <tr><th scope="row">decides with</th>{report.arms.map((a) => <td class="num small">{definition.get(a.arm) ? describeArm(definition.get(a.arm)!) : ''}</td>)}</tr>
          {row('alerts', (a) => count(a.alerts), 'row-alerts')}
          {row('closed', (a) => `${count(a.closed)} (${pct(a.shareClosed)})`, 'row-closed')}
          {row('reviewed', (a) => `${count(a.reviewed)} (${pct(a.shareReviewed)})`)}
          {row('escalated', (a) => count(a.escalated))}
          {row('labelled', (a) => count(a.labelled))}
          {row('queue precision', (a) => (a.queuePrecision === null ? '—' : pct(a.queuePrecision)))}
          {row('true positives found', (a) => (a.role === 'shadow' ? '—' : count(a.truePositivesFound)), 'row-found')}
          {row('below-the-line sample (labelled, positive)', (a) => `${count(a.sample.sampled)} (${count(a.sample.labelled)}, ${count(a.sample.positives)})`)}
          {row(`true positives closed, est. (${conf} CI)`, (a) => (a.role === 'shadow' ? 'see above' : estimate(a.missedTruePositives, (n) => n.toFixed(1))), 'row-missed')}
          {row(`missed rate = 1 − recall (${conf} CI)`, (a) => (a.role === 'shadow' ? 'see above' : estimate(a.missedRate, (n) => pct(n))), 'row-missed-rate')}
          {row(`analyst hours saved (${report.settings.minutesPerAlert} min/alert)`, (a) => (a.role === 'shadow' ? '—' : a.analystHoursSaved.toFixed(1)))}
        </tbody>
      </table>
    </div>
  );
}

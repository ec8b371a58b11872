/** @module The chart of a threshold simulation: outcome curves against the threshold, and per-group shares closed. */
import type { GroupThreshold, Simulation } from '../thresholds/index.ts';
import { POOLED_GROUP, pointAt } from '../thresholds/index.ts';
import { barChart, barChartHeight } from './bar-chart.ts';
import { lineChart } from './line-chart.ts';
import { formatThreshold, percent, svgDocument } from './svg.ts';

/** What the chart says about its data, beyond the numbers. */
export interface SimulationChartContext {
  /** e.g. "model default/1 on alerts.csv" */
  source: string;
  /** Column the groups come from, when per-group thresholds were chosen. */
  groupColumn?: string;
  /** e.g. "day", for the workload in the marker label. */
  period?: string;
}

const WIDTH = 1000;
const COLORS = { recall: '#c0392b', fpReduction: '#1f77b4', closed: '#2ca02c', precision: '#7f4fa8', marker: '#111111', global: '#9fb8d0', perGroup: '#2c6e9e' };

const recallText = (r: number) => (Number.isNaN(r) ? 'no TPs' : percent(r));
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** How the threshold was chosen, in words. */
export function selectionText(sim: Simulation, period = 'period'): string {
  const s = sim.selection;
  if (s.kind === 'recall') return `the highest threshold keeping ≥ ${percent(s.target)} of true positives`;
  if (s.kind === 'share') return `the lowest threshold leaving ≤ ${percent(s.share)} of alerts to review`;
  return `the lowest threshold leaving ≤ ${count(s.perPeriod)} alerts per ${period} to review`;
}

function groupLabel(g: GroupThreshold): string {
  if (g.key !== POOLED_GROUP) return g.key;
  const names = g.members.join(', ');
  return `${g.key}: ${names.length > 22 ? `${g.members.length} small groups` : names}`;
}

/** A standalone SVG: the outcome curves with the chosen threshold marked, then per-group bars if groups were chosen. */
export function simulationChart(sim: Simulation, ctx: SimulationChartContext): string {
  const { curve, chosen } = sim;
  const recall: [number, number][] = [];
  const fpReduction: [number, number][] = [];
  const closed: [number, number][] = [];
  const precision: [number, number][] = [];
  for (let j = 0; j < curve.thresholds.length; j++) {
    const p = pointAt(curve, j);
    recall.push([p.threshold, p.recall]);
    fpReduction.push([p.threshold, p.fpReduction]);
    closed.push([p.threshold, p.closedShare]);
    precision.push([p.threshold, p.precision]);
  }
  const xLog = curve.thresholds.some((t) => t > 0);
  const w = chosen.workload;
  const perPeriod = w.reviewedPerPeriod !== undefined ? `review ${count(w.reviewedPerPeriod)}/${ctx.period ?? 'period'} (${count(w.hoursPerPeriod!)} h)` : `review ${count(w.reviewed)} alerts (${count(w.hours)} h)`;
  const alerts = curve.positives + curve.negatives;
  const panels: string[] = [];
  const lineHeight = 520;
  panels.push(
    lineChart(
      {
        title: `Closing alerts scored below a threshold: ${ctx.source}`,
        subtitle: `${count(alerts)} alerts, ${count(curve.positives)} true positives (${percent(curve.positives / alerts, 2)}). Chosen: ${selectionText(sim, ctx.period)}.`,
        xLabel: `threshold: alerts scored below it are closed${xLog ? ' (log scale)' : ''}`,
        yLabel: 'share',
        xLog,
        series: [
          { name: 'recall (true positives kept)', color: COLORS.recall, points: recall },
          { name: 'false positives closed', color: COLORS.fpReduction, points: fpReduction },
          { name: 'alerts closed', color: COLORS.closed, dash: '7 4', points: closed },
          { name: 'review-queue precision', color: COLORS.precision, dash: '2 3', points: precision },
        ],
        markers: [
          {
            x: chosen.threshold,
            color: COLORS.marker,
            lines: [`chosen: close below ${formatThreshold(chosen.threshold)}`, `recall ${percent(chosen.recall)}`, `false positives closed ${percent(chosen.fpReduction)}`, `alerts closed ${percent(chosen.closedShare)}`, perPeriod],
            // Left of the chosen cut recall is higher and every other curve lower: the gap between is empty.
            freeBand: { side: 'left', y: [Math.max(chosen.fpReduction, chosen.closedShare, chosen.precision), chosen.recall] },
            dots: [
              { y: chosen.recall, color: COLORS.recall },
              { y: chosen.fpReduction, color: COLORS.fpReduction },
              { y: chosen.closedShare, color: COLORS.closed },
              { y: chosen.precision, color: COLORS.precision },
            ],
          },
        ],
        width: WIDTH,
        height: lineHeight,
      },
      0,
      0,
    ),
  );
  let height = lineHeight;
  if (sim.groups) {
    const g = sim.groups;
    const by = ctx.groupColumn ?? 'group';
    const rows = [...g.groups]
      .sort((a, b) => b.alerts - a.alerts)
      .map((grp) => ({
        label: groupLabel(grp),
        values: [grp.closedShare, grp.global.closedShare],
        note: `${recallText(grp.recall)} vs ${recallText(grp.global.recall)}   ${grp.threshold === null ? 'never closed' : `t = ${formatThreshold(grp.threshold)}`}`,
      }));
    const spec = {
      title: `One threshold per ${by}, chosen together for ${percent(g.target)} overall recall`,
      subtitle: `Per-${by} thresholds close ${percent(g.perGroup.closedShare)} of alerts (recall ${percent(g.perGroup.recall)}) vs ${percent(g.global.closedShare)} with one threshold (recall ${percent(g.global.recall)}).`,
      xLabel: `share of the ${by}'s alerts closed`,
      measures: [
        { name: `per-${by} threshold`, color: COLORS.perGroup },
        { name: `one threshold (${formatThreshold(g.global.threshold)})`, color: COLORS.global },
      ],
      rows,
      noteHeader: 'recall: own vs one · threshold',
      width: WIDTH,
    };
    panels.push(barChart(spec, 0, height + 10));
    height += 10 + barChartHeight(spec);
  }
  return svgDocument(WIDTH, height, `Threshold simulation: ${ctx.source}`, panels);
}

/** @module The closure curve as a compliance lead reads it: how much closing saves for each level of recall kept. */
import type { Simulation } from '../thresholds/index.ts';
import { pointAt } from '../thresholds/index.ts';
import { lineChart } from './line-chart.ts';
import { selectionText } from './simulation-chart.ts';
import { formatThreshold, percent, svgDocument } from './svg.ts';

export interface ClosureChartContext {
  /** e.g. "1,480 labelled decisions, 2026-03-01 to 2026-03-30" */
  source: string;
  /** e.g. "day": the workload in the marker label is per period; absent, in alerts of the whole data. */
  period?: string;
}

const COLORS = { closed: '#2ca02c', fpReduction: '#1f77b4', marker: '#111111' };
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * Share of alerts closed and of false positives closed (y) against the recall kept (x), one point per
 * distinct threshold, with the chosen threshold marked: the trade-off the threshold page chooses on.
 */
export function closureChart(sim: Simulation, ctx: ClosureChartContext, width = 1000, height = 440): string {
  const { curve, chosen } = sim;
  const closed: [number, number][] = [];
  const fpReduction: [number, number][] = [];
  for (let j = 0; j < curve.thresholds.length; j++) {
    const p = pointAt(curve, j);
    closed.push([p.recall, p.closedShare]);
    fpReduction.push([p.recall, p.fpReduction]);
  }
  const w = chosen.workload;
  const review = w.reviewedPerPeriod !== undefined && ctx.period ? `review ${count(w.reviewedPerPeriod)} alerts/${ctx.period ?? 'period'}` : `review ${count(w.reviewed)} alerts`;
  const panel = lineChart(
    {
      title: 'Alerts closed against true positives kept',
      subtitle: `${ctx.source}. Chosen: ${selectionText(sim, ctx.period)}.`,
      xLabel: 'recall: share of true positives kept for review',
      yLabel: 'share closed',
      xLog: false,
      xFormat: (v) => `${+(v * 100).toPrecision(4)}%`,
      series: [
        { name: 'alerts closed', color: COLORS.closed, points: closed },
        { name: 'false positives closed', color: COLORS.fpReduction, dash: '7 4', points: fpReduction },
      ],
      markers: [{
        x: chosen.recall,
        color: COLORS.marker,
        lines: [`chosen: close below ${formatThreshold(chosen.threshold)}`, `recall ${percent(chosen.recall)}`, `alerts closed ${percent(chosen.closedShare)}`, `false positives closed ${percent(chosen.fpReduction)}`, review],
        dots: [{ y: chosen.closedShare, color: COLORS.closed }, { y: chosen.fpReduction, color: COLORS.fpReduction }],
      }],
      width,
      height,
    },
  );
  return svgDocument(width, height, `Closure curve: ${ctx.source}`, [panel]);
}

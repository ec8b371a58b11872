/**
 * @module A scatter of shares with vertical confidence intervals: one point per item (an experiment
 * arm: share closed across, estimated missed rate up, its interval as a bar), and an optional limit
 * line (the guardrail). A legend on the right spells out each point's figures.
 */
import { linearScale } from './scales.ts';
import { el, escapeXml, percent, svgDocument, text } from './svg.ts';

export interface IntervalPoint {
  label: string;
  color: string;
  /** Share in [0, 1] (across). */
  x: number;
  /** Share in [0, 1] with its interval (up); null when it cannot be estimated yet (drawn hollow on the axis). */
  y: { estimate: number; low: number; high: number } | null;
}

export interface IntervalChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  points: IntervalPoint[];
  /** A horizontal line at a y share, e.g. a guardrail. */
  limit?: { y: number; label: string };
  width: number;
  height: number;
}

const MARGIN = { left: 70, right: 300, top: 62, bottom: 52 };

/** Rounds a share range out to 5-point steps, at least 10 points wide, within [0, 1]. */
function shareDomain(lo: number, hi: number): [number, number] {
  let a = Math.max(0, Math.floor((lo - 0.05) * 20) / 20);
  let b = Math.min(1, Math.ceil((hi + 0.05) * 20) / 20);
  if (b - a < 0.1) [a, b] = a + 0.1 <= 1 ? [a, a + 0.1] : [b - 0.1, b];
  return [a, b];
}

/** The chart as a standalone SVG document. */
export function intervalChart(spec: IntervalChartSpec): string {
  const { width, height } = spec;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const xs = spec.points.map((p) => p.x).filter(Number.isFinite);
  const [x0, x1] = shareDomain(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1);
  const yTop = Math.max(0.05, spec.limit?.y ?? 0, ...spec.points.map((p) => (p.y ? p.y.high : 0)).filter(Number.isFinite)) * 1.1;
  // Tick labels as short as they can be: 10%, 2.5%.
  const fmt = (v: number) => `${+(v * 100).toFixed(1)}%`;
  const x = linearScale([x0, x1], [plot.left, plot.right], fmt, 8);
  const y = linearScale([0, Math.min(1, Math.ceil(yTop * 20) / 20)], [plot.bottom, plot.top], fmt, 6);
  const parts: string[] = [text(plot.left, 22, spec.title, { 'font-size': 16, 'font-weight': 'bold' })];
  if (spec.subtitle) parts.push(text(plot.left, 42, spec.subtitle, { fill: '#444444' }));
  for (const t of y.ticks) {
    parts.push(el('line', { x1: plot.left, x2: plot.right, y1: y(t.value), y2: y(t.value), stroke: '#e5e5e5' }));
    parts.push(text(plot.left - 8, y(t.value) + 4, t.label, { 'text-anchor': 'end', fill: '#333333' }));
  }
  for (const t of x.ticks) {
    parts.push(el('line', { x1: x(t.value), x2: x(t.value), y1: plot.top, y2: plot.bottom, stroke: '#f0f0f0' }));
    parts.push(text(x(t.value), plot.bottom + 18, t.label, { 'text-anchor': 'middle', fill: '#333333' }));
  }
  parts.push(el('line', { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom, stroke: '#333333' }));
  parts.push(el('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, stroke: '#333333' }));
  parts.push(text((plot.left + plot.right) / 2, height - 10, spec.xLabel, { 'text-anchor': 'middle', 'font-size': 13 }));
  parts.push(text(16, (plot.top + plot.bottom) / 2, spec.yLabel, { 'text-anchor': 'middle', 'font-size': 13, transform: `rotate(-90 16 ${(plot.top + plot.bottom) / 2})` }));
  if (spec.limit) {
    const ly = y(Math.min(spec.limit.y, 1));
    parts.push(el('line', { x1: plot.left, x2: plot.right, y1: ly, y2: ly, stroke: '#b3261e', 'stroke-dasharray': '6 4' }));
    parts.push(text(plot.right - 4, ly - 6, spec.limit.label, { 'text-anchor': 'end', fill: '#b3261e', 'font-size': 11 }));
  }
  spec.points.forEach((p, i) => {
    const px = x(Math.min(x1, Math.max(x0, p.x)));
    const summary = p.y
      ? `${p.label}: ${percent(p.x)} closed, ${percent(p.y.estimate)} missed (${percent(p.y.low)}–${percent(p.y.high)})`
      : `${p.label}: ${percent(p.x)} closed, missed rate not estimable yet`;
    if (p.y) {
      const [lo, mid, hi] = [y(p.y.low), y(p.y.estimate), y(Math.min(p.y.high, 1))];
      parts.push(el('line', { x1: px, x2: px, y1: lo, y2: hi, stroke: p.color, 'stroke-width': 2 }));
      parts.push(el('line', { x1: px - 6, x2: px + 6, y1: lo, y2: lo, stroke: p.color, 'stroke-width': 2 }));
      parts.push(el('line', { x1: px - 6, x2: px + 6, y1: hi, y2: hi, stroke: p.color, 'stroke-width': 2 }));
      parts.push(el('circle', { cx: px, cy: mid, r: 6, fill: p.color }, el('title', {}, escapeXml(summary))));
      parts.push(text(px + 10, mid - 8, p.label, { 'font-size': 12, 'font-weight': 'bold', fill: p.color }));
    } else {
      parts.push(el('circle', { cx: px, cy: plot.bottom, r: 6, fill: '#ffffff', stroke: p.color, 'stroke-width': 2 }, el('title', {}, escapeXml(summary))));
      parts.push(text(px + 10, plot.bottom - 10, p.label, { 'font-size': 12, 'font-weight': 'bold', fill: p.color }));
    }
    // Legend: the figures in words, so the chart reads without hovering.
    const ly = plot.top + 8 + i * 46;
    const lx = plot.right + 28;
    parts.push(el('rect', { x: lx, y: ly - 9, width: 12, height: 12, fill: p.color }));
    parts.push(text(lx + 18, ly + 1, p.label, { 'font-weight': 'bold' }));
    parts.push(text(lx + 18, ly + 17, `closed ${percent(p.x)}`, { 'font-size': 11, fill: '#333333' }));
    parts.push(text(lx + 18, ly + 31, p.y ? `missed ${percent(p.y.estimate)} (${percent(p.y.low)}–${percent(p.y.high)})` : 'missed: not estimable yet', { 'font-size': 11, fill: '#333333' }));
  });
  return svgDocument(width, height, spec.title, parts);
}

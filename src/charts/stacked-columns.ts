/** @module A stacked column chart of counts: one column per category (e.g. a day), one stacked segment per series. */
import { linearScale } from './scales.ts';
import { el, svgDocument, text } from './svg.ts';

export interface StackedColumnsSpec {
  title: string;
  subtitle?: string;
  /** Column labels, left to right (e.g. days). */
  columns: string[];
  /** Each series' count per column, stacked bottom to top in this order. */
  series: { name: string; color: string; values: number[] }[];
  width: number;
  height: number;
}

const MARGIN = { left: 64, right: 24, top: 70, bottom: 44 };

/** Whole counts for axis labels: 1200 → "1.2k". */
export function countLabel(v: number): string {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v));
}

/** The chart as a standalone SVG document. */
export function stackedColumns(spec: StackedColumnsSpec): string {
  const plot = { left: MARGIN.left, right: spec.width - MARGIN.right, top: MARGIN.top, bottom: spec.height - MARGIN.bottom };
  const totals = spec.columns.map((_, i) => spec.series.reduce((s, series) => s + (series.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const y = linearScale([0, max], [plot.bottom, plot.top], countLabel, 5);
  const parts: string[] = [text(16, 22, spec.title, { 'font-size': 15, 'font-weight': 'bold' })];
  if (spec.subtitle) parts.push(text(16, 40, spec.subtitle, { fill: '#444444' }));
  spec.series.forEach((s, i) => {
    const lx = plot.left + 130 * i;
    parts.push(el('rect', { x: lx, y: 50, width: 12, height: 10, fill: s.color }));
    parts.push(text(lx + 18, 59, s.name));
  });
  for (const t of y.ticks) {
    parts.push(el('line', { x1: plot.left, x2: plot.right, y1: y(t.value), y2: y(t.value), stroke: '#e5e5e5' }));
    parts.push(text(plot.left - 6, y(t.value) + 4, t.label, { 'text-anchor': 'end', fill: '#333333' }));
  }
  const n = Math.max(1, spec.columns.length);
  const step = (plot.right - plot.left) / n;
  const barWidth = Math.max(1, Math.min(40, step * 0.75));
  const labelEvery = Math.max(1, Math.ceil(n / Math.floor((plot.right - plot.left) / 70)));
  spec.columns.forEach((label, i) => {
    const x = plot.left + step * i + (step - barWidth) / 2;
    let base = 0;
    for (const s of spec.series) {
      const v = s.values[i] ?? 0;
      if (v > 0) {
        parts.push(el('rect', { x, y: y(base + v), width: barWidth, height: y(base) - y(base + v), fill: s.color }, el('title', {}, `${label} ${s.name}: ${v}`)));
      }
      base += v;
    }
    if (i % labelEvery === 0) parts.push(text(x + barWidth / 2, plot.bottom + 16, label, { 'text-anchor': 'middle', 'font-size': 11, fill: '#333333' }));
  });
  parts.push(el('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, stroke: '#333333' }));
  return svgDocument(spec.width, spec.height, spec.title, parts);
}

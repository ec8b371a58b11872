/** @module A horizontal grouped bar chart of shares: one row per category, one bar per measure, a note per row. */
import { linearScale } from './scales.ts';
import { el, percent, px, text } from './svg.ts';

export interface BarRow {
  label: string;
  /** One value in [0, 1] per measure, in the order of `measures`. */
  values: number[];
  /** Text after the bars, e.g. the recall each choice keeps. */
  note?: string;
}

export interface BarChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  measures: { name: string; color: string }[];
  rows: BarRow[];
  /** Heading above the notes column. */
  noteHeader?: string;
  width: number;
}

const LAYOUT = { left: 190, right: 270, top: 86, bottom: 50, bar: 11, gap: 12 };

/** Height the chart needs for its rows. */
export function barChartHeight(spec: Pick<BarChartSpec, 'rows' | 'measures'>): number {
  return LAYOUT.top + LAYOUT.bottom + spec.rows.length * (spec.measures.length * LAYOUT.bar + LAYOUT.gap);
}

/** A panel as an SVG group translated to (x, y). */
export function barChart(spec: BarChartSpec, x0 = 0, y0 = 0): string {
  const height = barChartHeight(spec);
  const plot = { left: LAYOUT.left, right: spec.width - LAYOUT.right, top: LAYOUT.top, bottom: height - LAYOUT.bottom };
  const x = linearScale([0, 1], [plot.left, plot.right], (v) => `${Math.round(v * 100)}%`, 10);
  const parts: string[] = [text(20, 22, spec.title, { 'font-size': 16, 'font-weight': 'bold' })];
  if (spec.subtitle) parts.push(text(20, 42, spec.subtitle, { fill: '#444444' }));
  spec.measures.forEach((m, i) => {
    const lx = plot.left + 230 * i;
    parts.push(el('rect', { x: lx, y: 56, width: 14, height: 10, fill: m.color }));
    parts.push(text(lx + 20, 65, m.name));
  });
  if (spec.noteHeader) parts.push(text(plot.right + 48, plot.top - 8, spec.noteHeader, { 'font-size': 11, 'font-weight': 'bold' }));
  for (const t of x.ticks) {
    parts.push(el('line', { x1: x(t.value), x2: x(t.value), y1: plot.top, y2: plot.bottom, stroke: '#e5e5e5' }));
    parts.push(text(x(t.value), plot.bottom + 18, t.label, { 'text-anchor': 'middle', fill: '#333333' }));
  }
  const rowHeight = spec.measures.length * LAYOUT.bar + LAYOUT.gap;
  spec.rows.forEach((row, r) => {
    const top = plot.top + LAYOUT.gap / 2 + r * rowHeight;
    parts.push(text(plot.left - 8, top + (spec.measures.length * LAYOUT.bar) / 2 + 4, row.label, { 'text-anchor': 'end' }));
    row.values.forEach((v, i) => {
      const w = Number.isFinite(v) ? Math.max(0, x(Math.min(1, v)) - plot.left) : 0;
      parts.push(el('rect', { x: plot.left, y: top + i * LAYOUT.bar, width: w, height: LAYOUT.bar - 1, fill: spec.measures[i].color }));
      if (Number.isFinite(v)) parts.push(text(plot.left + w + 4, top + i * LAYOUT.bar + 9, percent(v), { 'font-size': 10, fill: '#333333' }));
    });
    if (row.note) parts.push(text(plot.right + 48, top + (spec.measures.length * LAYOUT.bar) / 2 + 4, row.note, { 'font-size': 11, fill: '#333333' }));
  });
  parts.push(el('line', { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom, stroke: '#333333' }));
  parts.push(el('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, stroke: '#333333' }));
  parts.push(text((plot.left + plot.right) / 2, height - 10, spec.xLabel, { 'text-anchor': 'middle', 'font-size': 13 }));
  return el('g', { transform: `translate(${px(x0)} ${px(y0)})` }, ...parts);
}

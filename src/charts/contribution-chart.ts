/** @module A diverging bar chart of signed contributions (reason codes): bars right raise the risk, left lower it. */
import { el, escapeXml, px, svgDocument, text } from './svg.ts';

export interface ContributionRow {
  /** e.g. "amount_usd = 9500". */
  label: string;
  /** Signed contribution (log-odds). */
  value: number;
}

export interface ContributionChartSpec {
  title: string;
  subtitle?: string;
  rows: ContributionRow[];
  width: number;
}

const LAYOUT = { left: 300, right: 80, top: 58, bottom: 30, bar: 18, gap: 8 };

/** Height the chart needs for its rows. */
export function contributionChartHeight(rows: number): number {
  return LAYOUT.top + LAYOUT.bottom + Math.max(1, rows) * (LAYOUT.bar + LAYOUT.gap);
}

/** The chart as a standalone SVG document; red raises the risk, blue lowers it. */
export function contributionChart(spec: ContributionChartSpec): string {
  const height = contributionChartHeight(spec.rows.length);
  const plot = { left: LAYOUT.left, right: spec.width - LAYOUT.right, top: LAYOUT.top, bottom: height - LAYOUT.bottom };
  const max = Math.max(1e-9, ...spec.rows.map((r) => Math.abs(r.value)));
  const mid = (plot.left + plot.right) / 2;
  const half = (plot.right - plot.left) / 2;
  const parts: string[] = [text(16, 22, spec.title, { 'font-size': 15, 'font-weight': 'bold' })];
  if (spec.subtitle) parts.push(text(16, 40, spec.subtitle, { fill: '#444444' }));
  spec.rows.forEach((row, i) => {
    const top = plot.top + i * (LAYOUT.bar + LAYOUT.gap);
    const w = (Math.abs(row.value) / max) * half;
    const x = row.value >= 0 ? mid : mid - w;
    const shown = row.label.length > 44 ? `${row.label.slice(0, 43)}…` : row.label;
    parts.push(text(plot.left - 8, top + LAYOUT.bar / 2 + 4, shown, { 'text-anchor': 'end' }));
    parts.push(el('rect', { x, y: top, width: Math.max(1, w), height: LAYOUT.bar, fill: row.value >= 0 ? '#c8412f' : '#2f6fc8' }, el('title', {}, escapeXml(`${row.label}: ${row.value >= 0 ? '+' : ''}${row.value.toFixed(3)} log-odds`))));
    const vx = row.value >= 0 ? mid + w + 4 : mid - w - 4;
    parts.push(text(vx, top + LAYOUT.bar / 2 + 4, `${row.value >= 0 ? '+' : ''}${row.value.toFixed(3)}`, { 'text-anchor': row.value >= 0 ? 'start' : 'end', 'font-size': 11, fill: '#333333' }));
  });
  parts.push(el('line', { x1: px(mid), x2: px(mid), y1: plot.top - 6, y2: plot.bottom, stroke: '#333333' }));
  parts.push(text(mid + 6, plot.bottom + 18, 'raises the risk →', { 'font-size': 11, fill: '#c8412f' }));
  parts.push(text(mid - 6, plot.bottom + 18, '← lowers the risk', { 'font-size': 11, fill: '#2f6fc8', 'text-anchor': 'end' }));
  return svgDocument(spec.width, height, spec.title, parts);
}

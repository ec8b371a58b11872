/** @module A line-chart panel: axes, ticks, grid, legend, several series and labelled vertical markers. */
import { linearScale, logScale, type Scale } from './scales.ts';
import { el, escapeXml, polyline, px, text } from './svg.ts';

export interface LineSeries {
  name: string;
  color: string;
  /** SVG stroke-dasharray, e.g. '6 3'. */
  dash?: string;
  /** Data points, any order; only those inside a log axis's positive range are drawn. */
  points: readonly (readonly [number, number])[];
}

/** A vertical line at x with a few lines of label, and dots where it crosses the named series. */
export interface LineMarker {
  x: number;
  lines: string[];
  color: string;
  /** Series values at x, drawn as dots. */
  dots?: { y: number; color: string }[];
  /** A y range (data units) that no curve crosses on one side of the line: the label goes there if it fits. */
  freeBand?: { side: 'left' | 'right'; y: [number, number] };
}

export interface LineChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  xLog: boolean;
  /** Tick labels of a linear x axis (default: the value, to 6 significant digits). */
  xFormat?: (v: number) => string;
  /** y values are shares in [0, 1], labelled as percentages. */
  series: LineSeries[];
  markers?: LineMarker[];
  width: number;
  height: number;
}

const MARGIN = { left: 64, right: 236, top: 62, bottom: 52 };

/**
 * Keep at most two points per pixel column (the first and last in it): a million-point curve becomes a
 * path a browser draws at once, and monotone curves look the same.
 */
function thin(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const col = Math.round(points[i][0]);
    const prev = i > 0 ? Math.round(points[i - 1][0]) : NaN;
    const next = i + 1 < points.length ? Math.round(points[i + 1][0]) : NaN;
    if (col !== prev || col !== next) out.push(points[i]);
  }
  return out;
}

/** A panel as an SVG group translated to (x, y). */
export function lineChart(spec: LineChartSpec, x0 = 0, y0 = 0): string {
  const { width, height } = spec;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of spec.series) {
    for (const [v] of s.points) {
      if (!Number.isFinite(v) || (spec.xLog && v <= 0)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) [lo, hi] = spec.xLog ? [0.001, 1] : [0, 1];
  const x: Scale = spec.xLog ? logScale([lo, hi], [plot.left, plot.right]) : linearScale([lo, hi === lo ? lo + 1 : hi], [plot.left, plot.right], spec.xFormat ?? ((v) => String(+v.toPrecision(6))));
  const y = linearScale([0, 1], [plot.bottom, plot.top], (v) => `${Math.round(v * 100)}%`, 10);
  const parts: string[] = [];

  parts.push(text(plot.left, 22, spec.title, { 'font-size': 16, 'font-weight': 'bold' }));
  if (spec.subtitle) parts.push(text(plot.left, 42, spec.subtitle, { 'font-size': 12, fill: '#444444' }));
  // Grid and ticks.
  for (const t of y.ticks) {
    parts.push(el('line', { x1: plot.left, x2: plot.right, y1: y(t.value), y2: y(t.value), stroke: '#e5e5e5' }));
    parts.push(text(plot.left - 8, y(t.value) + 4, t.label, { 'text-anchor': 'end', fill: '#333333' }));
  }
  for (const t of x.ticks) {
    const px0 = x(t.value);
    if (px0 < plot.left - 0.5 || px0 > plot.right + 0.5) continue;
    parts.push(el('line', { x1: px0, x2: px0, y1: plot.top, y2: plot.bottom, stroke: t.major ? '#e5e5e5' : '#f3f3f3' }));
    parts.push(el('line', { x1: px0, x2: px0, y1: plot.bottom, y2: plot.bottom + (t.major ? 6 : 3), stroke: '#333333' }));
    if (t.label) parts.push(text(px0, plot.bottom + 19, t.label, { 'text-anchor': 'middle', fill: '#333333' }));
  }
  parts.push(el('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, fill: 'none', stroke: '#333333' }));
  parts.push(text((plot.left + plot.right) / 2, height - 12, spec.xLabel, { 'text-anchor': 'middle', 'font-size': 13 }));
  const yMid = (plot.top + plot.bottom) / 2;
  parts.push(text(16, yMid, spec.yLabel, { 'text-anchor': 'middle', 'font-size': 13, transform: `rotate(-90 16 ${px(yMid)})` }));

  // Series, clipped to the plot so a curve never runs over the axes.
  const clipId = `clip-${escapeXml(spec.title).replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}-${x0}-${y0}`;
  parts.push(el('clipPath', { id: clipId }, el('rect', { x: plot.left, y: plot.top - 2, width: plot.right - plot.left, height: plot.bottom - plot.top + 4 })));
  const lines = spec.series.map((s) => {
    const pts = s.points
      .filter(([vx, vy]) => Number.isFinite(vx) && Number.isFinite(vy) && (!spec.xLog || vx > 0))
      .map(([vx, vy]): [number, number] => [x(vx), y(vy)])
      .sort((a, b) => a[0] - b[0]);
    return polyline(thin(pts), { stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash, 'stroke-linejoin': 'round' });
  });
  parts.push(el('g', { 'clip-path': `url(#${clipId})` }, ...lines));

  for (const m of spec.markers ?? []) {
    if (!(Number.isFinite(m.x) && (!spec.xLog || m.x > 0))) continue;
    const mx = x(m.x);
    parts.push(el('line', { x1: mx, x2: mx, y1: plot.top, y2: plot.bottom, stroke: m.color, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }));
    for (const d of m.dots ?? []) if (Number.isFinite(d.y)) parts.push(el('circle', { cx: mx, cy: y(d.y), r: 4, fill: d.color, stroke: '#ffffff', 'stroke-width': 1 }));
    // The label sits beside the line on a white box: in the free band if it fits there, else at the
    // bottom on the side with more room.
    const boxWidth = Math.max(...m.lines.map((l) => l.length)) * 7.2 + 12;
    const boxHeight = 16 * m.lines.length + 8;
    const band = m.freeBand;
    const fits = band && y(band.y[0]) - y(band.y[1]) >= boxHeight + 12 && (band.side === 'left' ? mx - plot.left : plot.right - mx) >= boxWidth + 12;
    const right = fits ? band.side === 'right' : mx < (plot.left + plot.right) / 2;
    const bx = right ? mx + 6 : mx - 6 - boxWidth;
    const by = fits ? (y(band.y[0]) + y(band.y[1]) - boxHeight) / 2 : plot.bottom - 6 - boxHeight;
    parts.push(el('rect', { x: bx, y: by, width: boxWidth, height: boxHeight, fill: '#ffffff', 'fill-opacity': 0.9, stroke: m.color, rx: 3 }));
    m.lines.forEach((l, i) => parts.push(text(bx + 6, by + 17 + 16 * i, l, { fill: '#111111', 'font-weight': i === 0 ? 'bold' : undefined })));
  }

  // Legend to the right of the plot.
  const lx = plot.right + 18;
  spec.series.forEach((s, i) => {
    const ly = plot.top + 10 + 22 * i;
    parts.push(el('line', { x1: lx, x2: lx + 26, y1: ly, y2: ly, stroke: s.color, 'stroke-width': 2.5, 'stroke-dasharray': s.dash }));
    parts.push(text(lx + 32, ly + 4, s.name));
  });
  return el('g', { transform: `translate(${px(x0)} ${px(y0)})` }, ...parts);
}

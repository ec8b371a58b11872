/** @module SVG building blocks as strings: escaping, elements, number formatting, the document wrapper. */

/** Text made safe for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A coordinate with one decimal: enough for a screen, and short. */
export function px(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? px(v) : escapeXml(v as string)}"`)
    .join('');
}

/** An element; without children it is self-closing. Children are already-built markup. */
export function el(name: string, a: Attrs = {}, ...children: string[]): string {
  return children.length === 0 ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children.join('')}</${name}>`;
}

/** A text element; `content` is escaped. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, escapeXml(content));
}

/** A polyline through points (already in pixels). */
export function polyline(points: readonly (readonly [number, number])[], a: Attrs): string {
  return el('polyline', { points: points.map(([x, y]) => `${px(x)},${px(y)}`).join(' '), fill: 'none', ...a });
}

/** A standalone SVG document: XML declaration, namespace, a title for screen readers, a white background. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    el('title', {}, escapeXml(title)),
    el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A percentage for labels: 0.4165 → "41.7%". */
export function percent(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** A score threshold with 3 significant digits (0.00736, 0.0114, 0.123): readable, and distinct on a table's rows. */
export function formatThreshold(t: number): string {
  if (!Number.isFinite(t)) return String(t);
  if (t === 0 || Math.abs(t) >= 1) return t.toFixed(3);
  return t.toPrecision(3);
}

/**
 * @module A small Markdown renderer for the subset model cards use (src/model/model-card.ts):
 * headings, paragraphs, bullet and numbered lists, pipe tables, fenced code, inline code, bold and
 * italic. Every piece of text is HTML-escaped first and no tag or attribute comes from the input,
 * so a hand-edited card cannot inject markup; anything outside the subset shows as plain text.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** One line's inline markup: `code` spans kept verbatim (escaped), then **bold** and *italic* outside them. */
export function renderInline(text: string): string {
  return text.split(/(`[^`]+`)/).map((part) => {
    if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
    return escapeHtml(part)
      .replace(/\*\*(\S(?:.*?\S)?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*(\S(?:.*?\S)?)\*(?![*\w])/g, '$1<em>$2</em>');
  }).join('');
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** The cells of a `| a | b |` row. */
function cells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** Markdown (the model-card subset) as HTML; headings are shifted down by `headingOffset` levels (capped at h6). */
export function renderMarkdown(markdown: string, { headingOffset = 0 }: { headingOffset?: number } = {}): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  const isBlockStart = (line: string, next: string | undefined) =>
    HEADING.test(line) || BULLET.test(line) || NUMBERED.test(line) || FENCE.test(line) || (line.includes('|') && next !== undefined && TABLE_RULE.test(next));
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1].length + headingOffset);
      out.push(`<h${level}>${renderInline(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1])) {
      const head = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i].trim() !== '' && lines[i].includes('|')) rows.push(cells(lines[i++]));
      out.push(
        `<table><thead><tr>${head.map((h) => `<th>${renderInline(h)}</th>`).join('')}</tr></thead>` +
          `<tbody>${rows.map((r) => `<tr>${head.map((_, j) => `<td>${renderInline(r[j] ?? '')}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
      continue;
    }
    const list = BULLET.test(line) ? { tag: 'ul', item: BULLET } : NUMBERED.test(line) ? { tag: 'ol', item: NUMBERED } : undefined;
    if (list) {
      const items: string[] = [];
      while (i < lines.length && lines[i].trim() !== '') {
        const item = list.item.exec(lines[i]);
        if (item) items.push(item[1]);
        else if (/^\s+\S/.test(lines[i]) && items.length > 0) items[items.length - 1] += ` ${lines[i].trim()}`; // a wrapped item
        else break;
        i++;
      }
      out.push(`<${list.tag}>${items.map((t) => `<li>${renderInline(t)}</li>`).join('')}</${list.tag}>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && (para.length === 0 || !isBlockStart(lines[i], lines[i + 1]))) para.push(lines[i++].trim());
    out.push(`<p>${renderInline(para.join(' '))}</p>`);
  }
  return out.join('\n');
}

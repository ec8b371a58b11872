/** @module A tiny XML well-formedness check for generated SVG: balanced tags, quoted attributes, escaped text. No dependency. */

/** Throws an Error naming the first problem; returns the root element's name and attributes. */
export function checkXml(doc: string): { root: string; attributes: Record<string, string> } {
  const rest = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let root: { root: string; attributes: Record<string, string> } | undefined;
  const token = /<!--[\s\S]*?-->|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/y;
  let pos = 0;
  while (pos < rest.length) {
    token.lastIndex = pos;
    const m = token.exec(rest);
    if (!m) throw new Error(`malformed markup at offset ${pos}: ${JSON.stringify(rest.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    const [, close, open, attrText, selfClosing, textContent, stray] = m;
    if (stray) throw new Error(`malformed tag at offset ${pos - 1}: ${JSON.stringify(rest.slice(pos - 1, pos + 40))}`);
    if (textContent !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(textContent)) throw new Error(`unescaped & in text: ${JSON.stringify(textContent.slice(0, 40))}`);
      if (stack.length === 0 && textContent.trim() !== '') throw new Error(`text outside the root element: ${JSON.stringify(textContent.slice(0, 40))}`);
      continue;
    }
    if (open) {
      const attributes: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) {
        if (a[1] in attributes) throw new Error(`duplicate attribute ${a[1]} on <${open}>`);
        if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(a[2])) throw new Error(`unescaped & in attribute ${a[1]} of <${open}>`);
        attributes[a[1]] = a[2];
      }
      if (stack.length === 0) {
        if (root) throw new Error(`second root element <${open}>`);
        root = { root: open, attributes };
      }
      if (!selfClosing) stack.push(open);
      continue;
    }
    if (close) {
      const top = stack.pop();
      if (top !== close) throw new Error(`</${close}> closes <${top ?? 'nothing'}>`);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (!root) throw new Error('no root element');
  return root;
}

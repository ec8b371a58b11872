/** The model-card Markdown subset as HTML: every block the cards use, and nothing from the text becomes markup. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/console/markdown.ts';

describe('renderMarkdown', () => {
  it('renders headings, paragraphs, lists, tables, code and emphasis', () => {
    const md = '# Card\n\nText over\ntwo lines with `a_b` and **bold** and *it*.\n\n- one\n- two\n  wrapped\n\n1. first\n2. second\n\n| a | b |\n| --- | ---: |\n| 1 | `x` |\n\n```\nwinnow drift\n```';
    expect(renderMarkdown(md, { headingOffset: 1 })).toBe([
      '<h2>Card</h2>',
      '<p>Text over two lines with <code>a_b</code> and <strong>bold</strong> and <em>it</em>.</p>',
      '<ul><li>one</li><li>two wrapped</li></ul>',
      '<ol><li>first</li><li>second</li></ol>',
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td><code>x</code></td></tr></tbody></table>',
      '<pre><code>winnow drift</code></pre>',
    ].join('\n'));
  });

  it('escapes every piece of text, so a hand-edited card cannot add markup', () => {
    const hostile = '# <script>alert(1)</script>\n\n<img src=x onerror="alert(1)"> **<b>x</b>** `</code><script>`\n\n| <a href="javascript:x"> | b |\n| --- | --- |\n| \' | & |\n\n```\n</pre><script>\n```';
    const html = renderMarkdown(hostile);
    expect(html).not.toMatch(/<(script|img|a|b)[\s>]/);
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <strong>&lt;b&gt;x&lt;/b&gt;</strong> <code>&lt;/code&gt;&lt;script&gt;</code>');
    expect(html).toContain('<th>&lt;a href=&quot;javascript:x&quot;&gt;</th>');
    expect(html).toContain('<td>&#39;</td><td>&amp;</td>');
    expect(html).toContain('<pre><code>&lt;/pre&gt;&lt;script&gt;</code></pre>');
  });

  it('renders the shipped model card: every section, the metrics table', () => {
    const html = renderMarkdown(readFileSync(new URL('../../models/default/1/MODEL_CARD.md', import.meta.url), 'utf8'));
    for (const h of ['Intended use', 'Training data', 'Features', 'Model', 'Metrics', 'Recommended thresholds', 'Limitations and caveats', 'Monitoring plan', 'Integrity']) {
      expect(html).toContain(`<h2>${h}</h2>`);
    }
    expect(html).toContain('<tr><td>ROC AUC</td><td>0.8892</td><td>0.8841</td></tr>');
    expect(html).not.toContain('|');
  });
});

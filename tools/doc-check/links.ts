/**
 * @module Links between the docs: every relative link names a file that exists and, with `#…`,
 * a heading that file has (GitHub's anchors). Guides move text between files; a moved section
 * must not leave a link pointing nowhere. Pure: the caller reads the files.
 */

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown text's headings (outside fenced blocks), with GitHub's -1, -2 for repeats. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!h) continue;
    const slug = headingSlug(h[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The lines outside fenced blocks, with their 1-based numbers: where headings and links live. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(text);
    if (!f) {
      if (!fence) out.push({ line: i + 1, text });
    } else if (!fence) {
      fence = f[1];
    } else if (f[1]!.startsWith(fence[0]!) && f[1]!.length >= fence.length) {
      fence = undefined;
    }
  });
  return out;
}

export interface Link {
  line: number;
  /** The path as written, relative to the linking file ('' for a same-file anchor). */
  path: string;
  anchor?: string;
}

/** Relative links (not http:, mailto: or absolute), outside fenced blocks and code spans. */
export function relativeLinks(markdown: string): Link[] {
  const out: Link[] = [];
  for (const { line, text } of proseLines(markdown)) {
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      out.push({ line, path, ...(anchor ? { anchor } : {}) });
    }
  }
  return out;
}

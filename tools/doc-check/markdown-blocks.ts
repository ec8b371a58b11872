/**
 * @module What a guide asks the reader to run, and what it says they will see.
 *
 * A guide is Markdown. Its ```sh blocks are commands, run in order; a fenced block that comes
 * right after a run block (prose between is fine, another fence is not) shows that command's
 * output. An HTML comment, invisible on GitHub, can precede a fence:
 *
 *     <!-- doc-check: skip: why -->   a sh block is not run, or an output block is not compared
 *
 * The reason is required: a skipped example is a promise the check cannot keep, and the reader of
 * the source should see why. Pure: text in, steps out.
 */

export interface Fence {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`sh`, `json`, `text`, …), lower case; '' when absent. */
  lang: string;
  /** The block's text, dedented by the fence's own indentation (fences inside list items). */
  text: string;
  /** The reason from a preceding `<!-- doc-check: skip: … -->`, if any. */
  skip?: string;
}

export interface Step {
  line: number;
  command: string;
  /** The output the guide shows for this command, when it shows one that is to be compared. */
  expected?: { line: number; text: string };
}

export interface Skipped {
  line: number;
  lang: string;
  reason: string;
}

export interface GuidePlan {
  steps: Step[];
  skipped: Skipped[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)?.*$/;
const DIRECTIVE = /^\s*<!--\s*doc-check:\s*(.*?)\s*-->\s*$/;
const RUNNABLE = new Set(['sh', 'bash', 'shell']);

/** Every fenced block of a Markdown text, with the directive that precedes it. */
export function fences(markdown: string, file = 'guide'): Fence[] {
  const lines = markdown.split('\n');
  const out: Fence[] = [];
  let pendingSkip: { reason: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const directive = DIRECTIVE.exec(lines[i]!);
    if (directive) {
      const m = /^skip:\s*(\S.*)$/.exec(directive[1]!);
      if (!m) throw new Error(`${file} line ${i + 1}: unknown doc-check directive '${directive[1]}'; write '<!-- doc-check: skip: <why> -->'`);
      pendingSkip = { reason: m[1]!, line: i + 1 };
      continue;
    }
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, marker, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close && close[2]!.startsWith(marker![0]!) && close[2]!.length >= marker!.length && !close[3]) break;
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!.trimStart());
    }
    if (j === lines.length) throw new Error(`${file} line ${i + 1}: a fence that is never closed`);
    out.push({ line: i + 1, lang: (info ?? '').toLowerCase(), text: body.join('\n'), ...(pendingSkip ? { skip: pendingSkip.reason } : {}) });
    pendingSkip = undefined;
    i = j;
  }
  if (pendingSkip) throw new Error(`${file} line ${pendingSkip.line}: a doc-check directive with no fenced block after it`);
  return out;
}

/** The commands a guide runs, each with the output it shows, and what it leaves unchecked. */
export function planGuide(markdown: string, file = 'guide'): GuidePlan {
  const steps: Step[] = [];
  const skipped: Skipped[] = [];
  let previous: Step | undefined;
  for (const fence of fences(markdown, file)) {
    if (RUNNABLE.has(fence.lang)) {
      if (fence.skip) {
        skipped.push({ line: fence.line, lang: fence.lang, reason: fence.skip });
        previous = undefined;
      } else {
        previous = { line: fence.line, command: fence.text };
        steps.push(previous);
      }
      continue;
    }
    if (previous) {
      if (fence.skip) skipped.push({ line: fence.line, lang: fence.lang || 'output', reason: fence.skip });
      else previous.expected = { line: fence.line, text: fence.text };
    }
    previous = undefined;
  }
  return { steps, skipped };
}

/** The guides a landing page links to (`docs/….md`), in the order it first links them. */
export function guideLinks(markdown: string): string[] {
  const seen = new Set<string>();
  for (const m of markdown.matchAll(/\]\((docs\/[\w./-]+\.md)(?:#[\w-]*)?\)/g)) seen.add(m[1]!);
  return [...seen];
}

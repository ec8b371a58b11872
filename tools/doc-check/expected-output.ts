/**
 * @module Does a command's real output show what the guide says it shows?
 *
 * Every non-blank line the guide shows must appear in the real output, in the same order. Other
 * lines may come between (progress on stderr, log lines, rows the guide trimmed), so a guide can
 * show the lines that matter. Inside a line, `…` stands for any text (a trimmed JSON tail, a hash),
 * and a line that is only `…` marks a cut for the reader. Runs of spaces compare equal, so a
 * table may be re-aligned by hand; every figure must match exactly. Pure.
 */

export type OutputMatch =
  | { ok: true; compared: number }
  /** `lineOffset`: the missing line's place in the expected text (0 = its first line). */
  | { ok: false; compared: number; missing: string; lineOffset: number; nearest?: string };

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** A line as shown on a terminal, with runs of spaces made one: the unit both sides compare in. */
export function normalLine(line: string): string {
  const shown = line.replace(ANSI, '').split('\r').pop()!;
  return shown.replace(/\s+/g, ' ').trim();
}

function linePattern(expected: string): RegExp | string {
  if (!expected.includes('…')) return expected;
  const parts = expected.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}

function matches(pattern: RegExp | string, line: string): boolean {
  return typeof pattern === 'string' ? pattern === line : pattern.test(line);
}

/** The actual line most like `expected`, by shared words: the hint a failed check prints. */
function nearestLine(expected: string, actual: string[]): string | undefined {
  const words = new Set(expected.split(/[\s,:|]+/).filter(Boolean));
  let best: string | undefined;
  let bestScore = 0;
  for (const line of actual) {
    let score = 0;
    for (const w of line.split(/[\s,:|]+/)) if (words.has(w)) score++;
    if (score > bestScore) [best, bestScore] = [line, score];
  }
  return best;
}

export function matchOutput(expectedText: string, actualText: string): OutputMatch {
  const expected = expectedText
    .split('\n')
    .map((text, lineOffset) => ({ text: normalLine(text), lineOffset }))
    .filter((l) => l.text !== '' && l.text !== '…');
  const actual = actualText.split('\n').map(normalLine);
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const { text, lineOffset } = expected[i]!;
    const pattern = linePattern(text);
    while (at < actual.length && !matches(pattern, actual[at]!)) at++;
    if (at === actual.length) {
      const nearest = nearestLine(text, actual);
      return { ok: false, compared: i, missing: text, lineOffset, ...(nearest ? { nearest } : {}) };
    }
    at++;
  }
  return { ok: true, compared: expected.length };
}

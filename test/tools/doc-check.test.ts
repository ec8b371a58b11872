import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fences, guideLinks, planGuide } from '../../tools/doc-check/markdown-blocks.ts';
import { matchOutput } from '../../tools/doc-check/expected-output.ts';
import { runGuide } from '../../tools/doc-check/run-guide.ts';

const guide = [
  '# A guide',
  '',
  '```sh',
  'echo one',
  '```',
  '',
  'Its output:',
  '',
  '```text',
  'one',
  '```',
  '',
  '<!-- doc-check: skip: needs root -->',
  '```sh',
  'sudo reboot',
  '```',
  '',
  '- a list item with a command:',
  '',
  '  ```sh',
  '  echo two',
  '  ```',
  '',
  '```json',
  '{"a": 1}',
  '```',
  '',
  '```json',
  '{"config": "not an output: no command right before it"}',
  '```',
].join('\n');

describe('planGuide', () => {
  it('pairs each command with the output shown right after it, and lists what it skips with the reason', () => {
    const plan = planGuide(guide);
    expect(plan.steps).toEqual([
      { line: 3, command: 'echo one', expected: { line: 9, text: 'one' } },
      { line: 20, command: 'echo two', expected: { line: 24, text: '{"a": 1}' } },
    ]);
    expect(plan.skipped).toEqual([{ line: 14, lang: 'sh', reason: 'needs root' }]);
  });

  it('does not compare an output block marked skip', () => {
    const plan = planGuide('```sh\ndate\n```\n<!-- doc-check: skip: the time varies -->\n```text\nMon Dec 7\n```\n');
    expect(plan.steps).toEqual([{ line: 1, command: 'date' }]);
    expect(plan.skipped).toEqual([{ line: 5, lang: 'text', reason: 'the time varies' }]);
  });

  it('refuses a directive without a reason, an unknown one, a dangling one and an unclosed fence, naming the line', () => {
    expect(() => fences('<!-- doc-check: skip -->\n```sh\nx\n```', 'g.md')).toThrow(/g\.md line 1: unknown doc-check directive 'skip'/);
    expect(() => fences('<!-- doc-check: run twice -->\n```sh\nx\n```', 'g.md')).toThrow(/line 1: unknown/);
    expect(() => fences('text\n<!-- doc-check: skip: why -->\n', 'g.md')).toThrow(/line 2: a doc-check directive with no fenced block/);
    expect(() => fences('```sh\necho\n', 'g.md')).toThrow(/line 1: a fence that is never closed/);
  });

  it('keeps a longer fence open across a shorter one inside it', () => {
    const f = fences('````md\n```sh\nx\n```\n````\n');
    expect(f).toHaveLength(1);
    expect(f[0]!.text).toBe('```sh\nx\n```');
  });
});

describe('guideLinks', () => {
  it('lists docs/ links in the order first linked, once each, without anchors', () => {
    const md = 'See [a](docs/serve.md), [b](docs/train.md#weights), [a again](docs/serve.md) and [x](https://example.com/docs/y.md).';
    expect(guideLinks(md)).toEqual(['docs/serve.md', 'docs/train.md']);
  });
});

describe('matchOutput', () => {
  const actual = 'progress 1/2\nscored 100 alerts\n  AUC   0.8810   PR-AUC 0.3841\nprogress 2/2\nwrote demo/x.csv (sha256:abc123)\n';

  it('accepts shown lines in order with other lines between, spaces re-aligned, and … for any text', () => {
    expect(matchOutput('scored 100 alerts\n…\nAUC 0.8810 PR-AUC 0.3841\nwrote demo/x.csv (sha256:…)', actual)).toEqual({ ok: true, compared: 3 });
  });

  it('fails on a changed figure and names the line and the nearest real one', () => {
    const m = matchOutput('scored 100 alerts\nAUC 0.8811 PR-AUC 0.3841', actual);
    expect(m).toMatchObject({ ok: false, missing: 'AUC 0.8811 PR-AUC 0.3841', lineOffset: 1, nearest: 'AUC 0.8810 PR-AUC 0.3841' });
  });

  it('fails on lines shown out of order', () => {
    expect(matchOutput('wrote demo/x.csv (sha256:abc123)\nscored 100 alerts', actual).ok).toBe(false);
  });

  it('reads a redrawn terminal line as its last state and ignores colour codes', () => {
    expect(matchOutput('done 3/3', 'x\r\x1b[Kdone 1/3\r\x1b[K\x1b[32mdone 3/3\x1b[0m\n').ok).toBe(true);
  });

  it('treats regular-expression characters in the shown text literally', () => {
    expect(matchOutput('a (b) [c] … $1.50*', 'a (b) [c] costs $1.50*').ok).toBe(true);
    expect(matchOutput('a.c', 'abc').ok).toBe(false);
  });
});

describe('runGuide', () => {
  it('runs blocks in one shell, so variables and jobs carry over, and stops at the first failing command', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'doc-check-test-'));
    const run = await runGuide([
      // The job says when it runs: a SIGTERM that lands between bash's fork and exec is lost
      // (bash 5.2 with an EXIT trap; 18 of 500 such jobs survived an immediate `kill %1`).
      { line: 1, command: `X=42; sh -c 'echo up > ready; exec sleep 30' &` },
      { line: 5, command: 'until [ -e ready ]; do sleep 0.05; done; echo "x is $X"; kill %1' },
      { line: 9, command: 'false; echo never' },
      { line: 13, command: 'echo not reached' },
    ], { cwd: outDir, outDir, timeoutMs: 20_000 });
    expect(run.blocks.map((b) => b.output)).toEqual(['', 'x is 42\n', '']);
    expect(run.failed).toEqual({ index: 2, exitCode: 1 });
    expect(run.leftRunning).toEqual([]);
    expect(readFileSync(join(outDir, 'guide.sh'), 'utf8')).toContain('set -eo pipefail');
  });

  it('reports a process a guide left running, and kills it', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'doc-check-test-'));
    const run = await runGuide([{ line: 1, command: 'sleep 120 &' }], { cwd: outDir, outDir, timeoutMs: 20_000, stopGraceMs: 1_000 });
    expect(run.failed).toBeUndefined();
    expect(run.leftRunning).toHaveLength(1);
    expect(run.leftRunning[0]).toMatch(/sleep 120/);
  });

  it('fails a guide that runs past its time, on the block that was running', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'doc-check-test-'));
    const run = await runGuide([{ line: 1, command: 'echo ok' }, { line: 4, command: 'sleep 60' }], { cwd: outDir, outDir, timeoutMs: 1_000 });
    expect(run.failed).toEqual({ index: 1, exitCode: 124 });
  });
});

describe('links', () => {
  it("makes GitHub's anchors: lower case, punctuation dropped, repeats numbered, fenced lines ignored", async () => {
    const { anchors, headingSlug } = await import('../../tools/doc-check/links.ts');
    expect(headingSlug('Jube: HTTP Adaptation v1.1')).toBe('jube-http-adaptation-v11');
    expect(headingSlug('Features: one `encode()` for training and serving')).toBe('features-one-encode-for-training-and-serving');
    expect(headingSlug('Try it on live traffic: experiments')).toBe('try-it-on-live-traffic-experiments');
    expect([...anchors('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('finds relative links with their anchors and leaves out web links, code spans and fenced blocks', async () => {
    const { relativeLinks } = await import('../../tools/doc-check/links.ts');
    const md = 'See [a](operate.md#metrics), [b](#local), [c](https://x.org/a.md), `[d](e.md)`.\n```\n[f](g.md)\n```\n![pic](console.png)';
    expect(relativeLinks(md)).toEqual([
      { line: 1, path: 'operate.md', anchor: 'metrics' },
      { line: 1, path: '', anchor: 'local' },
      { line: 5, path: 'console.png' },
    ]);
  });
});

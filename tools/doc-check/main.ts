/**
 * `npm run docs:check`: runs the README's and the guides' examples on a fresh checkout, in the
 * order the README lists the guides, and compares the output each guide shows with the real one.
 * CI runs it after `npm test` (.ci/run). Run from the repository root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { guideLinks, planGuide } from './markdown-blocks.ts';
import { matchOutput } from './expected-output.ts';
import { runGuide } from './run-guide.ts';
import { anchors, relativeLinks } from './links.ts';

/** Broken relative links and anchors in `files` (paths from the repository root), as messages. */
function brokenLinks(root: string, files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const link of relativeLinks(text)) {
      const target = link.path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURIComponent(link.path));
      const shown = `${file}:${link.line}: (${link.path}${link.anchor ? `#${link.anchor}` : ''})`;
      if (!existsSync(target)) {
        problems.push(`${shown} links to ${relative(root, target)}, which does not exist`);
        continue;
      }
      if (link.anchor && target.endsWith('.md') && statSync(target).isFile() && !anchors(readFileSync(target, 'utf8')).has(link.anchor)) {
        problems.push(`${shown}: ${relative(root, target)} has no heading with the anchor #${link.anchor}`);
      }
    }
  }
  return problems;
}

const HELP = `npm run docs:check -- [--clean] [--only FILE …] [--out DIR] [--timeout-minutes N]

Runs every \`\`\`sh block of README.md and of the guides it links (docs/*.md), in the order the
README first links them, each guide in one bash shell from the repository root, and checks that
the output each guide shows after a command appears in what the command printed (see
tools/doc-check/expected-output.ts for the rules). A block preceded by
<!-- doc-check: skip: <why> --> is not run (or, for an output block, not compared); the check
lists every such block with its reason. Fails when a command fails, an output differs, a guide
leaves a process running, the guides wrote anything into the checkout that git does not ignore,
or a relative link in README.md or docs/ points to a missing file or heading.

  --clean              delete demo/ first (the guides write there; the check wants a fresh one)
  --only FILE          check only this file (repeatable), e.g. --only docs/operate.md; the files
                       still run in the README's order
  --out DIR            keep each block's output here (default: a new temp folder)
  --timeout-minutes N  per guide (default 20)
`;

interface Options { clean: boolean; only: string[]; out?: string; timeoutMinutes: number }

function parseArgs(argv: string[]): Options {
  const o: Options = { clean: false, only: [], timeoutMinutes: 20 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') { process.stdout.write(HELP); process.exit(0); }
    else if (a === '--clean') o.clean = true;
    else if (a === '--only') o.only.push(value());
    else if (a === '--out') o.out = value();
    else if (a === '--timeout-minutes') o.timeoutMinutes = Number(value());
    else throw new Error(`unknown option '${a}' (see --help)`);
  }
  if (!(o.timeoutMinutes > 0)) throw new Error('--timeout-minutes must be a positive number');
  return o;
}

function readdirMarkdown(root: string, dir: string): string[] {
  return existsSync(join(root, dir)) ? readdirSync(join(root, dir)).filter((f) => f.endsWith('.md')).sort().map((f) => `${dir}/${f}`) : [];
}

function untracked(root: string): string[] {
  if (!existsSync(join(root, '.git'))) return [];
  return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' })
    .split('\n').filter(Boolean);
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const root = process.cwd();
  if (!existsSync(join(root, 'README.md')) || !existsSync(join(root, 'tools/doc-check'))) throw new Error('run from the repository root');
  const demo = join(root, 'demo');
  if (existsSync(demo)) {
    if (!o.clean) throw new Error('demo/ exists: the guides expect a fresh one. Move it away, or pass --clean to delete it.');
    rmSync(demo, { recursive: true, force: true });
  }
  const dirtyBefore = new Set(untracked(root));
  const linked = ['README.md', ...guideLinks(readFileSync(join(root, 'README.md'), 'utf8'))];
  for (const f of o.only) if (!existsSync(join(root, f))) throw new Error(`--only ${f}: no such file`);
  // A guide being written may not be linked yet: --only runs it anyway.
  const files = o.only.length > 0 ? [...linked.filter((f) => o.only.includes(f)), ...o.only.filter((f) => !linked.includes(f))] : linked;
  const allDocs = ['README.md', ...readdirMarkdown(root, 'docs')];
  const linkProblems = brokenLinks(root, allDocs);
  if (linkProblems.length > 0) {
    console.log(`✗ broken links in the docs:\n${linkProblems.map((p) => `    ${p}`).join('\n')}`);
  } else {
    console.log(`links: every relative link and anchor in ${allDocs.length} files resolves`);
  }
  const outRoot = o.out ? resolve(o.out) : mkdtempSync(join(tmpdir(), 'winnow-doc-check-'));
  console.log(`doc-check: ${files.length} files; outputs in ${outRoot}`);

  let failures = linkProblems.length > 0 ? 1 : 0;
  let ran = 0;
  let compared = 0;
  const skipped: string[] = [];
  for (const [n, file] of files.entries()) {
    const plan = planGuide(readFileSync(join(root, file), 'utf8'), file);
    for (const s of plan.skipped) skipped.push(`${file}:${s.line} (${s.lang}): ${s.reason}`);
    const withOutput = plan.steps.filter((s) => s.expected).length;
    console.log(`\n${file}: ${plan.steps.length} command blocks, ${withOutput} with output to compare, ${plan.skipped.length} skipped`);
    if (plan.steps.length === 0) continue;
    const started = performance.now();
    const run = await runGuide(plan.steps, {
      cwd: root, outDir: join(outRoot, `${String(n).padStart(2, '0')}-${file.replace(/[/.]/g, '_')}`),
      timeoutMs: o.timeoutMinutes * 60_000,
    });
    for (const [i, block] of run.blocks.entries()) {
      ran++;
      const where = `${file}:${block.step.line}`;
      if (run.failed?.index === i) {
        failures++;
        const why = run.failed.exitCode === 124 ? `timed out after ${o.timeoutMinutes} min` : `exit code ${run.failed.exitCode}`;
        console.log(`  ✗ ${where} failed (${why}) after ${block.seconds.toFixed(1)} s; its output ends:`);
        console.log(block.output.split('\n').slice(-15).map((l) => `      ${l}`).join('\n'));
        continue;
      }
      const expected = block.step.expected;
      if (!expected) {
        console.log(`  ✓ ${where} ran (${block.seconds.toFixed(1)} s)`);
        continue;
      }
      const m = matchOutput(expected.text, block.output);
      compared++;
      if (m.ok) {
        console.log(`  ✓ ${where} ran (${block.seconds.toFixed(1)} s); output at line ${expected.line}: ${m.compared} lines match`);
      } else {
        failures++;
        console.log(`  ✗ ${where}: the output shown at ${file}:${expected.line + 1 + m.lineOffset} is not in what the command printed`);
        console.log(`      shown:   ${m.missing}`);
        if (m.nearest) console.log(`      nearest: ${m.nearest}`);
      }
    }
    if (run.leftRunning.length > 0) {
      failures++;
      console.log(`  ✗ ${file} left processes running (killed now); a guide must stop what it starts:`);
      for (const p of run.leftRunning) console.log(`      ${p}`);
    }
    console.log(`  ${file}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  const wrote = untracked(root).filter((l) => !dirtyBefore.has(l));
  if (wrote.length > 0) {
    failures++;
    console.log(`\n✗ the examples wrote into the checkout (write under demo/, which .gitignore covers):\n${wrote.map((l) => `    ${l}`).join('\n')}`);
  }
  if (skipped.length > 0) console.log(`\nnot checked, by the guides' own notes:\n${skipped.map((s) => `  ${s}`).join('\n')}`);
  console.log(`\ndoc-check: ${ran} command blocks run, ${compared} outputs compared, ${skipped.length} skipped, ${failures} failure(s)`);
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: Error) => {
  console.error(`doc-check: ${err.message}`);
  process.exit(2);
});

/**
 * @module Default `winnow train` vs XGBoost hist, both trained on the same FULL training file and
 * scored on the same LATER test file (issue 14, "Done when" item 2).
 *
 * Usage (one command, ~3–5 minutes on 2 cores; needs Debian's python3-xgboost and python3-sklearn):
 *   npx tsx bench/vs-xgboost/run.ts [--out DIR] [--datasets synth,card] [--no-variants] [--keep-data]
 *
 * Datasets, both generated here with fixed seeds into --out (default bench/.scratch/vs-xgboost, ignored by git):
 *   synth  the README's generator: `winnow generate --rows 250000 --seed 1` (9 months from 2025-01-01).
 *          The file is time-sorted; its oldest 200,000 rows are train.csv, the newest 50,000 test.csv.
 *          (A second `generate` call would not be "later": the generator's drift runs from the start
 *          to the end of each file's own window, so later data must come from the same stream.)
 *   card   a public-style card-transaction alert table from bench/vs-xgboost/card-alerts.ts
 *          (300,000 rows over 2024, seed 2024, ~2% fraud, drift; oldest 80% train, newest 20% test).
 *
 * For each dataset:
 *   1. `winnow train --data train.csv --label L --time-column T --exclude IDS --out …/winnow-default`
 *      with nothing else: the default recipe, whatever it is in this checkout.
 *   2. Variants (skip with --no-variants): the same plus `--recipe split` (the served model is
 *      the one fitted on the oldest 65%, as before the refit recipe), so one run shows both.
 *   3. `winnow score` on test.csv for every bundle; `winnow evaluate --json` on test.csv as a
 *      cross-check that the figures below are winnow's own.
 *   4. XGBoost (bench/vs-xgboost/xgb.py): the training and test files encoded with winnow's own
 *      `encodeColumns` and the default bundle's feature spec (categories = integer codes, booleans 0/1,
 *      missing NaN), `hist`, 300 rounds, max_depth 6, eta 0.1, max_bin 256, λ 1, min_child_weight 1,
 *      base_score = training base rate, 2 threads, every training row, no early stopping; run with
 *      OMP_WAIT_POLICY=passive (see below).
 *   5. Test AUC and "FP cut at 95% recall" for every model, computed by src/metrics (rocAuc,
 *      fpReductionAtRecall: the share of test negatives scored below the highest threshold that still
 *      keeps ≥ 95% of test positives at or above it; tied scores are never split), so both tools are
 *      measured by the same code. The threshold is chosen on the test set itself for each model: this
 *      measures ranking quality at 95% recall, not a deployable threshold.
 *   6. A paired bootstrap of the test rows (200 resamples, seeded) gives 95% intervals for
 *      winnow − XGBoost in AUC and FP cut, so "within 0.001 AUC" can be read against the noise.
 * Prints progress, a table, and writes DIR/results.json (every figure, commands, load, commit).
 * AUC and FP cut are deterministic (same data, same models on any run); timings are wall clock and
 * depend on the machine's load, which the table prints.
 *
 * While others edit src/, measure a fixed commit:
 *   git archive HEAD | tar -x -C /tmp/winnow-head && ln -s $PWD/node_modules /tmp/winnow-head/ \
 *     && git rev-parse HEAD > /tmp/winnow-head/WINNOW_COMMIT
 *   npx tsx bench/vs-xgboost/run.ts --winnow /tmp/winnow-head
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeColumns, type FeatureSpec } from '../../src/features/index.ts';
import { readTable, type Table } from '../../src/io/read-table.ts';
import { fpReductionAtRecall, prAuc, rocAuc } from '../../src/metrics/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PYTHON = '/usr/bin/python3';

const { values: opt } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'bench/.scratch/vs-xgboost') },
    datasets: { type: 'string', default: 'synth,card' },
    'no-variants': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    winnow: { type: 'string', default: ROOT },
    'synth-rows': { type: 'string', default: '200000' },
    'synth-test-rows': { type: 'string', default: '50000' },
    'synth-seed': { type: 'string', default: '1' },
    'card-rows': { type: 'string', default: '300000' },
    'card-seed': { type: 'string', default: '2024' },
    'xgb-threads': { type: 'string', default: '2' },
    bootstrap: { type: 'string', default: '200' },
    'omp-wait-policy': { type: 'string', default: 'passive' },
    trees: { type: 'string', default: '300' },
    depth: { type: 'string', default: '6' },
    eta: { type: 'string', default: '0.1' },
    help: { type: 'boolean' },
  },
});
if (opt.help) {
  console.log(`npx tsx bench/vs-xgboost/run.ts [--out DIR] [--datasets synth,card] [--no-variants] [--keep-data] [--winnow CHECKOUT]
  [--synth-rows 200000] [--synth-test-rows 50000] [--synth-seed 1] [--card-rows 300000] [--card-seed 2024]
  [--xgb-threads 2] [--trees 300] [--depth 6] [--eta 0.1] [--bootstrap 200] [--omp-wait-policy passive|active|'']`);
  process.exit(0);
}
// --winnow: the checkout whose bin/winnow.mjs is measured (default: this one), e.g. an untouched
// `git archive HEAD` copy while others edit src/ here. Data, encoding and metrics always use this one.
const WINNOW_ROOT = resolve(opt.winnow!);
const WINNOW = join(WINNOW_ROOT, 'bin/winnow.mjs');

const t0 = performance.now();
const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s]`;
const say = (line: string) => console.log(`${stamp()} ${line}`);

interface Ran {
  seconds: number;
  stdout: string;
  stderr: string;
}

/** Runs a command, streaming nothing; throws with its stderr tail when it fails. */
async function run(cmd: string, args: string[], { cwd = ROOT, echo, env }: { cwd?: string; echo?: RegExp; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const start = performance.now();
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (echo) for (const line of d.split(/[\r\n]+/)) if (echo.test(line)) say(`    ${line.trim()}`);
  });
  const [code] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${stderr.split('\n').slice(-20).join('\n')}`);
  }
  return { seconds, stdout, stderr };
}

const winnow = (args: string[], echo?: RegExp) => run(process.execPath, [WINNOW, ...args], { echo });
const show = (args: string[]) => `npx winnow ${args.map((a) => (/[\s,]/.test(a) && !a.includes('=') ? `'${a}'` : a)).join(' ')}`;

/** Copies the header and rows [from, to) of a CSV with one record per line (the generator's files have no quoted newlines). */
async function splitCsv(src: string, parts: { path: string; from: number; to: number }[]): Promise<void> {
  const lines = createInterface({ input: createReadStream(src), crlfDelay: Infinity });
  const outs = parts.map((p) => ({ ...p, stream: createWriteStream(p.path), buf: '' }));
  let header: string | null = null;
  let row = 0;
  for await (const line of lines) {
    if (header === null) {
      header = line;
      for (const o of outs) o.buf = header + '\n';
      continue;
    }
    if (line.includes('"')) throw new Error(`${src}: quoted cell on data row ${row + 1}; splitCsv copies lines and cannot split quoted records`);
    for (const o of outs) {
      if (row >= o.from && row < o.to) {
        o.buf += line + '\n';
        if (o.buf.length > 1 << 20) {
          if (!o.stream.write(o.buf)) await once(o.stream, 'drain');
          o.buf = '';
        }
      }
    }
    row++;
  }
  for (const o of outs) {
    o.stream.end(o.buf);
    await once(o.stream, 'finish');
    if (o.to > row) throw new Error(`${src} has ${row} rows, fewer than the ${o.to} asked for`);
  }
}

function labelsOf(table: Table, label: string): Float64Array {
  const col = table.columns[table.names.indexOf(label)];
  if (!col) throw new Error(`${table.source}: no column '${label}'`);
  return Float64Array.from(col, (v, i) => {
    if (v === 1 || v === '1' || v === true) return 1;
    if (v === 0 || v === '0' || v === false) return 0;
    throw new Error(`${table.source} row ${i + 1}: label '${String(v)}' is not 0/1`);
  });
}

interface Scored {
  auc: number;
  prAuc: number;
  fpCut95: number;
  threshold95: number;
  recallAt95: number;
  alertsClosed95: number;
}

function measure(labels: ArrayLike<number>, scores: ArrayLike<number>): Scored {
  const fp = fpReductionAtRecall(labels, scores, 0.95);
  return {
    auc: rocAuc(labels, scores), prAuc: prAuc(labels, scores), fpCut95: fp.fpReduction, threshold95: fp.threshold,
    recallAt95: fp.achievedRecall, alertsClosed95: fp.alertShareBelow,
  };
}

/**
 * Paired bootstrap of the test set (multinomial resampling as integer row weights, seeded): 95%
 * intervals for ΔAUC and Δ(FP cut at 95% recall) between two models scored on the same rows.
 */
function bootstrapDelta(labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, reps: number): { auc: [number, number]; fpCut95: [number, number]; reps: number } {
  const n = labels.length;
  const w = new Float64Array(n);
  let state = 0x2545f491;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const dAuc: number[] = [];
  const dFp: number[] = [];
  for (let r = 0; r < reps; r++) {
    w.fill(0);
    for (let i = 0; i < n; i++) w[Math.floor(next() * n)]++;
    dAuc.push(rocAuc(labels, a, w) - rocAuc(labels, b, w));
    dFp.push(fpReductionAtRecall(labels, a, 0.95, w).fpReduction - fpReductionAtRecall(labels, b, 0.95, w).fpReduction);
  }
  const ci = (xs: number[]): [number, number] => {
    xs.sort((p, q) => p - q);
    return [xs[Math.floor(0.025 * (xs.length - 1))], xs[Math.ceil(0.975 * (xs.length - 1))]];
  };
  return { auc: ci(dAuc), fpCut95: ci(dFp), reps };
}

interface Dataset {
  name: string;
  title: string;
  dir: string;
  label: string;
  timeColumn: string;
  exclude: string[];
  make: () => Promise<string>;
}

interface ModelResult extends Scored {
  model: string;
  tool: 'winnow' | 'xgboost';
  command: string;
  trainSeconds: number;
  /** winnow: seconds the trainer reports for boosting alone; XGBoost: DMatrix + training. */
  boostSeconds: number | null;
  trees: number | null;
  fitRows: number | null;
  evaluateCheck?: { auc: number; fpReduction95: number; agrees: boolean };
  /**
   * winnow: recall on the later test file at the bundle's own recommended 95%-recall threshold (chosen
   * on validation at training time): the time-ordered check that the threshold keeps its recall.
   */
  recallAtOwn95?: number;
  /** Paired bootstrap 95% intervals of (this model − XGBoost) on the test rows. */
  vsXgboost?: { auc: [number, number]; fpCut95: [number, number]; reps: number };
  notes?: unknown;
}

const datasets: Dataset[] = [];
const synthRows = Number(opt['synth-rows']);
const synthTest = Number(opt['synth-test-rows']);
datasets.push({
  name: 'synth',
  title: `README synthetic alerts (winnow generate, seed ${opt['synth-seed']})`,
  dir: join(opt.out!, 'synth'),
  label: 'is_true_positive',
  timeColumn: 'occurred_at',
  exclude: ['alert_id', 'entity_id'],
  async make() {
    const all = join(this.dir, 'all.csv');
    const args = ['generate', '--rows', String(synthRows + synthTest), '--seed', opt['synth-seed']!, '--out', all];
    await winnow(args);
    await splitCsv(all, [{ path: join(this.dir, 'train.csv'), from: 0, to: synthRows }, { path: join(this.dir, 'test.csv'), from: synthRows, to: synthRows + synthTest }]);
    await rm(all);
    return `${show(args)}; oldest ${synthRows} rows → train.csv, newest ${synthTest} → test.csv`;
  },
});
datasets.push({
  name: 'card',
  title: `public-style card alerts (card-alerts.ts, seed ${opt['card-seed']})`,
  dir: join(opt.out!, 'card'),
  label: 'is_fraud',
  timeColumn: 'event_time',
  exclude: ['alert_id', 'card_id'],
  async make() {
    const args = [join(ROOT, 'bench/vs-xgboost/card-alerts.ts'), '--rows', opt['card-rows']!, '--seed', opt['card-seed']!, '--out', this.dir];
    await run(process.execPath, ['--import', 'tsx', ...args]);
    return `npx tsx bench/vs-xgboost/card-alerts.ts --rows ${opt['card-rows']} --seed ${opt['card-seed']} --out DIR`;
  },
});
const wanted = new Set(opt.datasets!.split(',').map((s) => s.trim()).filter(Boolean));
for (const w of wanted) if (!datasets.some((d) => d.name === w)) throw new Error(`--datasets: unknown '${w}' (synth, card)`);

const variants: { model: string; flags: string[] }[] = [{ model: 'winnow default', flags: [] }];
if (!opt['no-variants']) variants.push({ model: 'winnow --recipe split', flags: ['--recipe', 'split'] });

/** The measured checkout's commit and uncommitted changes; a `git archive` copy names its commit in a file WINNOW_COMMIT. */
async function gitInfo(): Promise<{ winnowRoot: string; head: string; dirty: string[] }> {
  try {
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: WINNOW_ROOT })).stdout.trim();
    const dirty = (await run('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], { cwd: WINNOW_ROOT })).stdout.split('\n').filter(Boolean);
    return { winnowRoot: WINNOW_ROOT, head, dirty };
  } catch {
    const head = existsSync(join(WINNOW_ROOT, 'WINNOW_COMMIT')) ? (await readFile(join(WINNOW_ROOT, 'WINNOW_COMMIT'), 'utf8')).trim() + ' (archive)' : 'unknown';
    return { winnowRoot: WINNOW_ROOT, head, dirty: [] };
  }
}

const results: { dataset: Dataset; make: string; trainRows: number; testRows: number; trainPositives: number; testPositives: number; features: number; models: ModelResult[] }[] = [];
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const started = new Date();
const loadBefore = load();
const git = await gitInfo();
const xgbVersion = (await run(PYTHON, ['-c', 'import xgboost, sklearn; print(xgboost.__version__, sklearn.__version__)'])).stdout.trim();
say(`winnow vs XGBoost ${xgbVersion.split(' ')[0]} hist: ${cpus().length} cores, load ${loadBefore.join(' ')}, commit ${git.head.slice(0, 10)}${git.dirty.length ? ` + ${git.dirty.length} uncommitted change(s) in src/bin` : ''}`);
say(`scratch folder: ${opt.out}; winnow from ${WINNOW_ROOT}`);

for (const ds of datasets.filter((d) => wanted.has(d.name))) {
  await mkdir(ds.dir, { recursive: true });
  say(`${ds.name}: generating ${ds.title}`);
  const make = await ds.make();
  const train = join(ds.dir, 'train.csv');
  const test = join(ds.dir, 'test.csv');
  const testTable = await readTable(test);
  const yTest = labelsOf(testTable, ds.label);
  const trainTable = await readTable(train);
  const yTrain = labelsOf(trainTable, ds.label);
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  const entry = { dataset: ds, make, trainRows: yTrain.length, testRows: yTest.length, trainPositives: sum(yTrain), testPositives: sum(yTest), features: 0, models: [] as ModelResult[] };
  results.push(entry);
  say(`${ds.name}: train ${entry.trainRows} rows (${entry.trainPositives} positives, ${(100 * entry.trainPositives / entry.trainRows).toFixed(2)}%), test ${entry.testRows} rows (${entry.testPositives} positives, ${(100 * entry.testPositives / entry.testRows).toFixed(2)}%)`);

  let spec: FeatureSpec | null = null;
  const winnowScores = new Map<string, Float64Array>();
  for (const v of variants) {
    const dirName = v.flags.length ? 'winnow-' + v.flags.join('').replace(/[^a-z0-9.]+/gi, '_') : 'winnow-default';
    const bundle = join(ds.dir, 'models', dirName, '1');
    const args = ['train', '--data', train, '--label', ds.label, '--time-column', ds.timeColumn, '--exclude', ds.exclude.join(','), ...v.flags, '--out', bundle, '--overwrite'];
    say(`${ds.name}: ${v.model}: ${show(args).replaceAll(ds.dir + '/', '')}`);
    const trained = await winnow(args, /^(split|trained|refit|fit)/i);
    await writeFile(join(ds.dir, `${dirName}.train.log`), trained.stderr + trained.stdout);
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    spec ??= manifest.featureSpec as FeatureSpec;
    const boost = /trained (\d+) trees[^\n]* in ([\d.]+)\s*s/.exec(trained.stderr);
    const scoredPath = join(ds.dir, `${dirName}.scored.csv`);
    say(`${ds.name}: ${v.model}: trained in ${trained.seconds.toFixed(1)} s; scoring test.csv`);
    await winnow(['score', '--model', bundle, '--data', test, '--out', scoredPath]);
    const scoredTable = await readTable(scoredPath);
    const sc = scoredTable.columns[scoredTable.names.indexOf('winnow_score')];
    const scores = Float64Array.from(sc, (s, i) => {
      if (typeof s !== 'number') throw new Error(`${scoredPath} row ${i + 1}: no winnow_score (${String(scoredTable.columns[scoredTable.names.indexOf('winnow_error')][i])})`);
      return s;
    });
    const m = measure(yTest, scores);
    winnowScores.set(v.model, scores);
    const ev = JSON.parse((await winnow(['evaluate', '--model', bundle, '--data', test, '--label', ds.label, '--json'])).stdout);
    const agrees = Math.abs(ev.metrics.auc - m.auc) < 1e-9 && Math.abs(ev.metrics.fpReduction95 - m.fpCut95) < 1e-9;
    if (!agrees) say(`${ds.name}: WARNING: winnow evaluate reports AUC ${ev.metrics.auc} / FP cut ${ev.metrics.fpReduction95}, this harness ${m.auc} / ${m.fpCut95}`);
    if (!opt['keep-data']) await rm(scoredPath);
    entry.models.push({
      model: v.model, tool: 'winnow', command: show(args).replaceAll(ds.dir, '$DIR'), trainSeconds: trained.seconds,
      boostSeconds: boost ? Number(boost[2]) : null, trees: manifest.trees?.count ?? (boost ? Number(boost[1]) : null),
      fitRows: manifest.training?.refit?.rows ?? manifest.training?.rows ?? null, ...m, evaluateCheck: { auc: ev.metrics.auc, fpReduction95: ev.metrics.fpReduction95, agrees },
      recallAtOwn95: ev.metrics.atRecommended?.recall95?.recall,
      notes: { training: manifest.training, params: manifest.params },
    });
    say(`${ds.name}: ${v.model}: AUC ${m.auc.toFixed(4)}, FP cut at 95% recall ${(100 * m.fpCut95).toFixed(1)}%, recall at its own 95% threshold ${(100 * (ev.metrics.atRecommended?.recall95?.recall ?? NaN)).toFixed(1)}% (${manifest.trees?.count} trees, fitted on ${manifest.training?.refit?.rows ?? manifest.training?.rows} rows)`);
  }

  // XGBoost on the same columns, encoded by winnow's encoder with the default bundle's spec.
  say(`${ds.name}: encoding ${spec!.features.length} features for XGBoost with the default bundle's spec`);
  const xTrain = encodeColumns(trainTable, spec!);
  const xTest = encodeColumns(testTable, spec!);
  entry.features = spec!.features.length;
  const f32 = (p: string, a: Float32Array) => writeFile(join(ds.dir, p), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  await f32('train.x.f32', xTrain);
  await f32('train.y.f32', Float32Array.from(yTrain));
  await f32('test.x.f32', xTest);
  await f32('test.y.f32', Float32Array.from(yTest));
  await writeFile(join(ds.dir, 'xgb-input.json'), JSON.stringify({
    features: spec!.features.length, names: spec!.features.map((f) => f.name),
    kinds: spec!.features.map((f) => ({ name: f.name, kind: f.kind, categories: f.categories?.length })),
  }, null, 2));
  const xgbArgs = [join(ROOT, 'bench/vs-xgboost/xgb.py'), '--dir', ds.dir, '--trees', opt.trees!, '--depth', opt.depth!, '--eta', opt.eta!, '--threads', opt['xgb-threads']!];
  say(`${ds.name}: XGBoost hist, ${opt.trees} rounds, depth ${opt.depth}, eta ${opt.eta}, ${opt['xgb-threads']} threads, all ${entry.trainRows} training rows`);
  // OpenMP threads spin while they wait by default; on a shared 2-core machine with other jobs running,
  // that made XGBoost 6× slower (20 s vs 3 s for the same 100 rounds at load 6.6). Passive waiting
  // keeps its timing honest under load; --omp-wait-policy '' leaves the variable as it is.
  const ompEnv = opt['omp-wait-policy'] ? { ...process.env, OMP_WAIT_POLICY: opt['omp-wait-policy'] } : process.env;
  const xr = await run(PYTHON, xgbArgs, { env: ompEnv });
  const xj = JSON.parse(xr.stdout.trim().split('\n').pop()!);
  const pb = await readFile(join(ds.dir, 'test.xgb.f32'));
  const px = new Float32Array(pb.buffer, pb.byteOffset, pb.byteLength / 4);
  const mx = measure(yTest, px);
  if (Math.abs(xj.sklearnAuc - mx.auc) > 1e-6) say(`${ds.name}: WARNING: sklearn AUC ${xj.sklearnAuc} vs src/metrics ${mx.auc}`);
  entry.models.push({
    model: `XGBoost ${xgbVersion.split(' ')[0]} hist`, tool: 'xgboost', command: `/usr/bin/python3 bench/vs-xgboost/xgb.py ${xgbArgs.slice(1).join(' ').replaceAll(ds.dir, '$DIR')}`,
    trainSeconds: xr.seconds, boostSeconds: xj.trainSeconds, trees: Number(opt.trees), fitRows: entry.trainRows, ...mx, notes: xj,
  });
  say(`${ds.name}: XGBoost: AUC ${mx.auc.toFixed(4)}, FP cut at 95% recall ${(100 * mx.fpCut95).toFixed(1)}% (process ${xr.seconds.toFixed(1)} s, DMatrix + training ${xj.trainSeconds} s)`);
  const reps = Number(opt.bootstrap);
  if (reps > 0) {
    say(`${ds.name}: paired bootstrap of the test rows (${reps} resamples) for winnow − XGBoost`);
    const pxd = Float64Array.from(px);
    for (const m of entry.models) {
      const s = winnowScores.get(m.model);
      if (s) m.vsXgboost = bootstrapDelta(yTest, s, pxd, reps);
    }
  }
  if (!opt['keep-data']) {
    for (const f of ['train.x.f32', 'train.y.f32', 'test.x.f32', 'test.y.f32', 'test.xgb.f32']) await rm(join(ds.dir, f), { force: true });
  }
}

// ---------------------------------------------------------------- report
const loadAfter = load();
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number, d = 4) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(d);
const lines: string[] = [];
lines.push('');
lines.push(`winnow vs XGBoost hist, ${started.toISOString().slice(0, 16)}Z, ${cpus().length} cores, load ${loadBefore.join(' ')} before / ${loadAfter.join(' ')} after, commit ${git.head.slice(0, 10)}${git.dirty.length ? ` (+${git.dirty.length} uncommitted in src/bin)` : ''}`);
lines.push('');
const ci = (c: [number, number] | undefined, scale = 1, d = 4) => (c ? ` [${signed(scale * c[0], d)}, ${signed(scale * c[1], d)}]` : '');
lines.push('| dataset | rows train / test (positives) | winnow default AUC / FP cut | XGBoost AUC / FP cut | ΔAUC (95% CI) | winnow s | XGBoost s |');
lines.push('|---|---|---|---|---|---|---|');
for (const r of results) {
  const w = r.models.find((m) => m.model === 'winnow default')!;
  const x = r.models.find((m) => m.tool === 'xgboost')!;
  lines.push(`| ${r.dataset.name} | ${r.trainRows.toLocaleString('en-US')} / ${r.testRows.toLocaleString('en-US')} (${r.trainPositives.toLocaleString('en-US')} / ${r.testPositives.toLocaleString('en-US')}) | ${w.auc.toFixed(4)} / ${pct(w.fpCut95)} | ${x.auc.toFixed(4)} / ${pct(x.fpCut95)} | ${signed(w.auc - x.auc)}${ci(w.vsXgboost?.auc)} | ${w.trainSeconds.toFixed(1)} | ${x.trainSeconds.toFixed(1)} |`);
}
lines.push('');
lines.push('every model (test file; FP cut = share of test negatives below the highest threshold keeping ≥ 95% of test positives):');
lines.push('');
lines.push('| dataset | model | fitted on rows | trees | AUC | PR-AUC | FP cut @95% | ΔAUC vs XGBoost | Δ FP cut | recall at its own 95% threshold | train s (wall) | boosting s |');
lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const x = r.models.find((m) => m.tool === 'xgboost')!;
  for (const m of r.models) {
    lines.push(`| ${r.dataset.name} | ${m.model} | ${m.fitRows?.toLocaleString('en-US') ?? '?'} | ${m.trees ?? '?'} | ${m.auc.toFixed(4)} | ${m.prAuc.toFixed(4)} | ${pct(m.fpCut95)} | ${m === x ? '' : signed(m.auc - x.auc) + ci(m.vsXgboost?.auc)} | ${m === x ? '' : signed(100 * (m.fpCut95 - x.fpCut95), 1) + ' pt' + ci(m.vsXgboost?.fpCut95, 100, 1)} | ${m.recallAtOwn95 === undefined ? '' : pct(m.recallAtOwn95)} | ${m.trainSeconds.toFixed(1)} | ${m.boostSeconds ?? '?'} |`);
  }
}
lines.push('');
lines.push(`Δ = winnow − XGBoost on the same test rows; [a, b] = 95% interval from a paired bootstrap of the test rows (${opt.bootstrap} resamples).`);
lines.push('winnow s = wall time of `winnow train` (start-up, CSV parsing, spec inference, boosting, ONNX export, metrics); XGBoost s = wall time of xgb.py (loading the encoded matrices, DMatrix, training, predicting); boosting s = the trainer alone.');
lines.push(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log(lines.join('\n'));
const json = {
  date: started.toISOString(), seconds: (performance.now() - t0) / 1000, cores: cpus().length, cpu: cpus()[0]?.model, loadBefore, loadAfter,
  node: process.version, xgboost: xgbVersion, ompWaitPolicy: opt['omp-wait-policy'] || process.env.OMP_WAIT_POLICY || null, git,
  datasets: results.map((r) => ({ name: r.dataset.name, title: r.dataset.title, make: r.make, label: r.dataset.label, timeColumn: r.dataset.timeColumn, exclude: r.dataset.exclude, trainRows: r.trainRows, testRows: r.testRows, trainPositives: r.trainPositives, testPositives: r.testPositives, features: r.features, models: r.models })),
  table: lines.join('\n'),
};
const out = join(opt.out!, 'results.json');
await writeFile(out, JSON.stringify(json, null, 2) + '\n');
say(`wrote ${out}`);
if (!existsSync(out)) process.exitCode = 1;

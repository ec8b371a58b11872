import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../src/model/index.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-challenger-'));
const train = (algo: string, out: string, ...params: string[]) => runCli([
  'train', '--algo', algo, '--data', 'alerts.csv', '--label', 'is_true_positive', '--time-column', 'occurred_at',
  '--exclude', 'alert_id,entity_id', '--param', 'epochs=4', ...params.flatMap((p) => ['--param', p]), '--out', out,
], dir);

describe('winnow train --algo mlp|logreg', () => {
  beforeAll(() => {
    const gen = runCli(['generate', '--rows', '8000', '--seed', '5', '--out', 'alerts.csv'], dir);
    expect(gen.code, gen.stderr).toBe(0);
  }, 60_000);

  it.each([
    ['mlp', ['hidden=16,8'], [undefined, 16, 8, 1], 'Multilayer perceptron (relu hidden layers of 16, 8), trained with tfjs'],
    ['logreg', [], [undefined, 1], 'Logistic regression, trained with tfjs'],
  ] as const)('--algo %s writes a bundle that winnow evaluate reads', async (algo, params, widths, card) => {
    const res = train(algo, `models/${algo}/1`, ...params);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`trained ${algo} \\(\\d+(→\\d+)+\\) for \\d+ epochs`));
    const { manifest } = await readBundle(join(dir, `models/${algo}/1`));
    expect(manifest.training.algo).toBe(algo);
    expect(manifest.trees).toBeUndefined();
    expect(manifest.network!.layers.slice(1)).toEqual(widths.slice(1));
    expect(manifest.onnx.opset).toEqual({ 'ai.onnx': 17 });
    expect(manifest.metrics.holdout!.rows).toBe(1600);
    expect(readFileSync(join(dir, `models/${algo}/1/MODEL_CARD.md`), 'utf8')).toContain(card);
    const ev = runCli(['evaluate', '--model', `models/${algo}/1`, '--data', 'alerts.csv', '--label', 'is_true_positive', '--holdout', '--json'], dir);
    expect(ev.code, ev.stderr).toBe(0);
    // evaluate --holdout reproduces the card's holdout AUC through ONNX Runtime.
    expect(JSON.parse(ev.stdout).metrics.auc).toBeCloseTo(manifest.metrics.holdout!.auc, 10);
  }, 60_000);

  it('refuses --explain on a network bundle, naming why', () => {
    const res = runCli(['score', '--model', 'models/logreg/1', '--data', 'alerts.csv', '--out', 'scored.csv', '--explain', '2'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('--explain: reason codes need a tree model: logreg/1 is a logistic regression (--algo logreg), and TreeSHAP reads trees');
  });

  it.each([
    [['--algo', 'nope'], 2, "winnow train: --algo must be one of gbdt, mlp, logreg, got 'nope'"],
    [['--algo', 'logreg', '--param', 'hidden=8'], 1, 'winnow train: training parameter hidden: logreg has no hidden layers (use --algo mlp)'],
    [['--algo', 'mlp', '--param', 'hidden=0'], 1, 'winnow train: training parameter hidden (--algo mlp): expected 1 to 3 comma-separated layer sizes between 1 and 1024'],
    [['--algo', 'mlp', '--param', 'numTrees=5'], 1, "winnow train: training parameter numTrees (--algo mlp): Unrecognized key"],
  ])('%j fails with a clear error', (flags, code, message) => {
    const res = runCli(['train', ...flags, '--data', 'alerts.csv', '--label', 'is_true_positive', '--out', 'models/bad/1'], dir);
    expect(res.code).toBe(code);
    expect(res.stderr).toContain(message);
  });
});

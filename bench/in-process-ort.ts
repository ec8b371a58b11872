/**
 * @module What the serving benchmarks measure HTTP against: ONNX Runtime scoring pre-encoded
 * batches of 100 alerts of the default bundle in a loop, in this process. Shared by
 * bench/serving.ts and bench/serving-floor.ts, so both ratios have the same denominator.
 */
import { encodeRecord } from '../src/features/index.ts';
import { LoadedModel } from '../src/registry/loaded-model.ts';
import { type Alert, recordOf } from '../src/serving/alert-schema.ts';

/** Alerts per second of `step` (each call handles 100 alerts) over `ms` milliseconds, after one second of warm-up. */
export async function perSecond(ms: number, step: (k: number) => unknown): Promise<number> {
  const run = async (budget: number) => {
    let k = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < budget) await step(k++);
    return (k * 100) / ((performance.now() - t0) / 1000);
  };
  await run(1000);
  return run(ms);
}

/** The default bundle, loaded, with `alerts` encoded as batches of 100 (alerts.length / 100 of them). */
export async function loadInProcessOrt(alerts: readonly Alert[]) {
  const model = await LoadedModel.load('models/default/1');
  const spec = model.manifest.featureSpec;
  const nf = spec.features.length;
  const matrices = Array.from({ length: Math.floor(alerts.length / 100) }, (_, b) => {
    const x = new Float32Array(100 * nf);
    for (let i = 0; i < 100; i++) encodeRecord(recordOf(alerts[b * 100 + i]), spec, x, i * nf);
    return x;
  });
  return {
    model,
    matrices,
    /** In-process alerts per second over `ms` milliseconds, batches taken in turn. */
    alertsPerSec: (ms: number) => perSecond(ms, (k) => model.scorer.score(matrices[k % matrices.length], 100)),
  };
}

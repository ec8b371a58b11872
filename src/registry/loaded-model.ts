/** @module A bundle loaded for serving: its manifest, its ONNX Runtime scorer, and a count of requests using it. */
import { readBundle, type Manifest } from '../model/index.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';

/** A bundle ready to score. `acquire`/`release` keep it alive while a request uses it. */
export class LoadedModel {
  #inFlight = 0;
  #retired = false;
  #drained: (() => void) | null = null;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly scorer: OnnxScorer,
  ) {}

  /**
   * Read and verify the bundle (sha256, spec hash, manifest schema), load it into ONNX Runtime,
   * and score a probe batch (all features missing) so a broken model fails here, not on traffic.
   */
  static async load(dir: string): Promise<LoadedModel> {
    const { manifest, onnxBytes } = await readBundle(dir);
    const scorer = await OnnxScorer.load(onnxBytes);
    try {
      const n = manifest.featureSpec.features.length;
      const probe = await scorer.score(new Float32Array(4 * n).fill(NaN), 4);
      if (!probe.every((p) => p >= 0 && p <= 1)) throw new Error(`${dir}: probe scores are not probabilities: ${Array.from(probe).join(', ')}`);
    } catch (err) {
      await scorer.release();
      throw err;
    }
    return new LoadedModel(dir, manifest, scorer);
  }

  get name(): string {
    return this.manifest.name;
  }

  get version(): string {
    return this.manifest.version;
  }

  /** Mark one request as using this model. */
  acquire(): void {
    this.#inFlight++;
  }

  /** The request is done; a retired model frees ONNX Runtime once the last request leaves. */
  release(): void {
    this.#inFlight--;
    if (this.#retired && this.#inFlight === 0) this.#drained?.();
  }

  /** Stop serving: resolves once in-flight requests have finished and the session is released. */
  async retire(): Promise<void> {
    this.#retired = true;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => { this.#drained = resolve; });
    await this.scorer.release();
  }
}

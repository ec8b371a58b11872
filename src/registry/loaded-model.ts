/** @module A bundle loaded for serving: its manifest, its ONNX Runtime scorer, and a count of requests using it. */
import { readBundle, whyNoTrees, type Manifest } from '../model/index.ts';
import { OnnxScorer } from '../runtime/onnx-scorer.ts';
import { TreeExplainer } from '../explain/index.ts';
import { onnxToTreeEnsemble } from '../onnx/onnx-to-tree-ensemble.ts';

/** TreeSHAP over a bundle's trees, or why there is none (e.g. trees without node cover). */
export type ExplainerState = { ok: true; explainer: TreeExplainer } | { ok: false; why: string };

/** A bundle ready to score. `acquire`/`release` keep it alive while a request uses it. */
export class LoadedModel {
  #inFlight = 0;
  #retired = false;
  #drained: (() => void) | null = null;
  #explainer: ExplainerState | undefined;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly scorer: OnnxScorer,
    private readonly onnxBytes?: Uint8Array,
  ) {}

  /**
   * Read and verify the bundle (sha256, spec hash, manifest schema), load it into ONNX Runtime,
   * and score a probe batch (all features missing) so a broken model fails here, not on traffic.
   */
  static async load(dir: string): Promise<LoadedModel> {
    const { manifest, onnxBytes } = await readBundle(dir);
    const scorer = await OnnxScorer.load(onnxBytes, { calibration: manifest.calibration });
    try {
      const n = manifest.featureSpec.features.length;
      const probe = await scorer.score(new Float32Array(4 * n).fill(NaN), 4);
      if (!probe.every((p) => p >= 0 && p <= 1)) throw new Error(`${dir}: probe scores are not probabilities: ${Array.from(probe).join(', ')}`);
    } catch (err) {
      await scorer.release();
      throw err;
    }
    return new LoadedModel(dir, manifest, scorer, onnxBytes);
  }

  /** The reason-code explainer, built from the ONNX trees on first use (tens of ms) and kept. */
  explainer(): ExplainerState {
    if (!this.#explainer) {
      try {
        const noTrees = whyNoTrees(this.manifest);
        if (noTrees) return (this.#explainer = { ok: false, why: noTrees });
        if (!this.onnxBytes) throw new Error('the ONNX bytes were not kept');
        this.#explainer = { ok: true, explainer: new TreeExplainer(onnxToTreeEnsemble(this.onnxBytes, { numFeatures: this.manifest.featureSpec.features.length }).model) };
      } catch (err) {
        this.#explainer = { ok: false, why: `reason codes unavailable for ${this.manifest.name}/${this.manifest.version}: ${(err as Error).message}` };
      }
    }
    return this.#explainer;
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

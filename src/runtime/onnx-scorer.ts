/** @module OnnxScorer: the project's only use of onnxruntime-node; scores feature rows with a binary ONNX classifier. */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { applyCalibration } from '../calibration/apply.ts';
import type { CalibrationMap } from '../calibration/calibration-schema.ts';

/** Options of `OnnxScorer.load`. */
export interface OnnxScorerOptions {
  /**
   * Intra-op threads. Default 1: ORT then sums trees in graph order, exactly like src/trees/evaluate.ts.
   * With k > 1 threads ORT sums k blocks of trees separately (probabilities move by up to ~3e-7).
   */
  intraOpNumThreads?: number;
  /** Feature count, required only when the model's input leaves its width symbolic (e.g. skl2onnx). */
  numFeatures?: number;
  /** Output to read probabilities from; by default the single float32 [N, 2] tensor output. */
  probabilityOutput?: string;
  /** ORT log severity (0 verbose … 4 fatal). Default 4: every failure reaches the caller as an Error instead. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** The bundle's calibration map (manifest.calibration): applied to every probability, so no caller sees raw scores. */
  calibration?: CalibrationMap;
}

type Meta = InferenceSession.ValueMetadata;

function describe(m: Meta): string {
  if (!m.isTensor) return `'${m.name}' (non-tensor, e.g. a ZipMap sequence of maps, which onnxruntime-node cannot return)`;
  return `'${m.name}' (${m.type} tensor [${m.shape.map((d) => (typeof d === 'number' ? d : d || '?')).join(', ')}])`;
}

/** Scores rows of float32 features with an ONNX binary classifier, returning the positive-class probability. */
export class OnnxScorer {
  #session: InferenceSession | null;

  private constructor(
    session: InferenceSession,
    readonly inputName: string,
    readonly numFeatures: number,
    readonly probabilityOutput: string,
    readonly calibration?: CalibrationMap,
  ) {
    this.#session = session;
  }

  /** Load ONNX bytes and check, once, that the model has the input and output this scorer needs. */
  static async load(bytes: Uint8Array, options: OnnxScorerOptions = {}): Promise<OnnxScorer> {
    const { intraOpNumThreads = 1, logSeverityLevel = 4 } = options;
    if (!(bytes instanceof Uint8Array)) throw new TypeError('OnnxScorer.load: model bytes must be a Uint8Array');
    if (bytes.length === 0) throw new Error('OnnxScorer.load: model bytes are empty');
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(bytes, { intraOpNumThreads, logSeverityLevel });
    } catch (err) {
      throw new Error(`OnnxScorer.load: ONNX Runtime could not load the model: ${(err as Error).message}`);
    }
    try {
      const { inputName, numFeatures } = checkInput(session.inputMetadata, options.numFeatures);
      const probabilityOutput = pickProbabilityOutput(session.outputMetadata, options.probabilityOutput);
      return new OnnxScorer(session, inputName, numFeatures, probabilityOutput, options.calibration);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  /** Positive-class probability for each of `numRows` row-major rows of `numFeatures` float32 values (NaN = missing). */
  async score(rows: Float32Array, numRows: number): Promise<Float32Array> {
    const session = this.#session;
    if (!session) throw new Error('OnnxScorer.score: the scorer has been released');
    if (!(rows instanceof Float32Array)) throw new TypeError('OnnxScorer.score: rows must be a Float32Array');
    if (!Number.isInteger(numRows) || numRows < 0) throw new RangeError(`OnnxScorer.score: numRows must be a non-negative integer, got ${numRows}`);
    const expected = numRows * this.numFeatures;
    if (rows.length !== expected) {
      throw new RangeError(
        `OnnxScorer.score: expected ${numRows} rows × ${this.numFeatures} features = ${expected} values, got ${rows.length}`,
      );
    }
    if (numRows === 0) return new Float32Array(0);
    const feeds = { [this.inputName]: new Tensor('float32', rows, [numRows, this.numFeatures]) };
    // Fetch only the probability tensor: other outputs may be ZipMap, which the binding cannot return.
    const out = (await session.run(feeds, [this.probabilityOutput]))[this.probabilityOutput];
    const [r, c] = out.dims;
    if (out.type !== 'float32' || r !== numRows || c !== 2) {
      throw new Error(`OnnxScorer.score: output '${this.probabilityOutput}' is ${out.type} [${out.dims.join(', ')}], expected float32 [${numRows}, 2]`);
    }
    const data = out.data as Float32Array;
    const p = new Float32Array(numRows);
    for (let i = 0; i < numRows; i++) p[i] = data[2 * i + 1];
    return applyCalibration(this.calibration, p);
  }

  /** Free the native session; later calls to `score` throw. */
  async release(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session) await session.release();
  }
}

function checkInput(inputs: readonly Meta[], wanted: number | undefined): { inputName: string; numFeatures: number } {
  if (inputs.length !== 1) throw new Error(`OnnxScorer.load: expected 1 input, found ${inputs.length}: ${inputs.map(describe).join(', ')}`);
  const input = inputs[0];
  if (!input.isTensor || input.type !== 'float32') throw new Error(`OnnxScorer.load: expected a float32 tensor input, found ${describe(input)}`);
  if (input.shape.length !== 2) throw new Error(`OnnxScorer.load: expected input of rank 2 [N, features], found ${describe(input)}`);
  const width = input.shape[1];
  if (typeof width === 'number' && width > 0) {
    if (wanted !== undefined && wanted !== width) {
      throw new Error(`OnnxScorer.load: numFeatures option ${wanted} contradicts input ${describe(input)}`);
    }
    return { inputName: input.name, numFeatures: width };
  }
  if (wanted === undefined || !Number.isInteger(wanted) || wanted < 1) {
    throw new Error(`OnnxScorer.load: input ${describe(input)} does not declare its feature count; pass a positive integer numFeatures`);
  }
  return { inputName: input.name, numFeatures: wanted };
}

function pickProbabilityOutput(outputs: readonly Meta[], wanted: string | undefined): string {
  const isProba = (m: Meta) =>
    m.isTensor && m.type === 'float32' && m.shape.length === 2 && (typeof m.shape[1] !== 'number' || m.shape[1] === 2);
  const found = outputs.map(describe).join(', ');
  if (wanted !== undefined) {
    const m = outputs.find((o) => o.name === wanted);
    if (!m) throw new Error(`OnnxScorer.load: no output named '${wanted}'; outputs: ${found}`);
    if (!isProba(m)) throw new Error(`OnnxScorer.load: output ${describe(m)} is not a float32 [N, 2] probability tensor`);
    return wanted;
  }
  const candidates = outputs.filter(isProba);
  if (candidates.length === 1) return candidates[0].name;
  if (candidates.length === 0) throw new Error(`OnnxScorer.load: no float32 [N, 2] probability tensor output; outputs: ${found}`);
  const named = candidates.find((c) => c.name === 'probabilities');
  if (named) return named.name;
  throw new Error(`OnnxScorer.load: several outputs could hold probabilities (${candidates.map(describe).join(', ')}); pass probabilityOutput`);
}

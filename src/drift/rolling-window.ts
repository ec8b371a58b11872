/** @module A fixed-size ring of the most recent scored rows (features as scored and score), for live drift. */

/** Keeps the last `capacity` rows of `numFeatures` float32 values and their scores. */
export class RollingWindow {
  readonly #x: Float32Array;
  readonly #scores: Float32Array;
  #next = 0;
  #size = 0;

  constructor(readonly numFeatures: number, readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RollingWindow: capacity must be a positive integer, got ${capacity}`);
    this.#x = new Float32Array(capacity * numFeatures);
    this.#scores = new Float32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Add one row; the oldest falls out once the window is full. */
  push(features: ArrayLike<number>, score: number): void {
    if (features.length !== this.numFeatures) throw new RangeError(`RollingWindow.push: expected ${this.numFeatures} features, got ${features.length}`);
    this.#x.set(features, this.#next * this.numFeatures);
    this.#scores[this.#next] = score;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** The rows held, oldest first (copies). */
  snapshot(): { x: Float32Array; scores: Float32Array } {
    const n = this.#size;
    const start = n < this.capacity ? 0 : this.#next;
    const x = new Float32Array(n * this.numFeatures);
    const scores = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const i = (start + k) % this.capacity;
      x.set(this.#x.subarray(i * this.numFeatures, (i + 1) * this.numFeatures), k * this.numFeatures);
      scores[k] = this.#scores[i];
    }
    return { x, scores };
  }
}

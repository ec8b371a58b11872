/** @module Drift over any number of rows, counted page by page, so a long period never has to sit in memory. */
import { histogram, type Histogram } from '../metrics/psi.ts';
import { assembleReport, type DriftReport, readingFromHistogram } from './drift-report.ts';
import { column, type ReferenceBins } from './reference.ts';

/** Counts rows into each reference's bins as they come, then reports PSI for all of them. */
export class DriftAccumulator {
  readonly #features: Array<{ name: string; index: number; ref: ReferenceBins; h: Histogram }> = [];
  readonly #score: { ref: ReferenceBins; h: Histogram } | undefined;
  #rows = 0;

  constructor(
    reference: { features: Record<string, ReferenceBins>; score?: ReferenceBins },
    readonly names: readonly string[],
  ) {
    const empty = (ref: ReferenceBins): Histogram => ({ counts: new Array<number>(ref.edges.length + 1).fill(0), missing: 0 });
    names.forEach((name, index) => {
      const ref = reference.features[name];
      if (ref) this.#features.push({ name, index, ref, h: empty(ref) });
    });
    this.#score = reference.score && { ref: reference.score, h: empty(reference.score) };
  }

  get rows(): number {
    return this.#rows;
  }

  /** Add row-major rows (`names.length` values each) and their scores. */
  add(x: Float32Array, scores: ArrayLike<number>): void {
    const add = (into: Histogram, from: Histogram) => {
      from.counts.forEach((c, i) => { into.counts[i] += c; });
      into.missing += from.missing;
    };
    for (const f of this.#features) add(f.h, histogram(column(x, this.names.length, f.index), f.ref.edges));
    if (this.#score) add(this.#score.h, histogram(scores, this.#score.ref.edges));
    this.#rows += scores.length;
  }

  /** PSI per feature and for the score over every row added. */
  report(): DriftReport {
    const score = this.#score ? readingFromHistogram('score', this.#score.ref, this.#score.h) : null;
    return assembleReport(this.#rows, score, this.#features.map((f) => readingFromHistogram(f.name, f.ref, f.h)));
  }
}

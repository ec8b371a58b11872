/** @module Seeded test data for the metrics tests; run it directly to print the data sets as JSON for sklearn. */

/** mulberry32: a tiny, well-mixed 32-bit PRNG, so test data is identical on every machine and in Python. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A labelled, scored data set as the metrics take it. */
export interface ScoredData {
  labels: number[];
  scores: number[];
  weights: number[];
}

/**
 * `n` alerts with a ~20% positive rate whose scores lean higher for positives; `decimals` rounds
 * scores so that many tie, and weights are multiples of 0.5 so weighted sums are exact in any order.
 */
export function scoredData(seed: number, n: number, decimals?: number): ScoredData {
  const rnd = mulberry32(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rnd() < 0.2 ? 1 : 0;
    let s = 0.35 * y + 0.65 * rnd();
    if (decimals !== undefined) s = Number(s.toFixed(decimals));
    labels.push(y);
    scores.push(s);
    weights.push(0.5 + Math.floor(rnd() * 4) / 2);
  }
  return { labels, scores, weights };
}

/** The data sets whose sklearn values are hard-coded in sklearn-reference.test.ts. */
export const referenceSets = {
  /** Heavy ties: scores on a 0.01 grid. */
  tied: () => scoredData(7, 400, 2),
  /** Continuous scores: no ties, nothing on a calibration bin edge. */
  continuous: () => scoredData(11, 1000),
};

// `npx tsx test/metrics/reference-data.ts | /usr/bin/python3 test/metrics/sklearn_reference.py`
if (import.meta.url === `file://${process.argv[1]}`) {
  const out = Object.fromEntries(Object.entries(referenceSets).map(([k, make]) => [k, make()]));
  process.stdout.write(JSON.stringify(out));
}

/** @module Platt scaling: a logistic regression of the label on the raw score's log-odds, fitted by Newton's method. */

const logit = (p: number): number => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(q / (1 - q));
};

/**
 * Fit p = σ(a · logit(raw) + b) by weighted maximum likelihood, with Platt's smoothed targets
 * ((N₊+1)/(N₊+2) and 1/(N₋+2)) so a perfectly separated set cannot drive a to infinity.
 */
export function fitPlatt(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): { a: number; b: number } {
  const z: number[] = [];
  const t: number[] = [];
  const w: number[] = [];
  let np = 0;
  let nn = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = weights ? weights[i] : 1;
    if (scores[i] !== scores[i] || !(wi > 0)) continue;
    z.push(logit(scores[i]));
    w.push(wi);
    t.push(labels[i]);
    if (labels[i] === 1) np += wi;
    else nn += wi;
  }
  if (np === 0 || nn === 0) throw new Error('fitPlatt: needs both positives and negatives');
  const hi = (np + 1) / (np + 2);
  const lo = 1 / (nn + 2);
  for (let i = 0; i < t.length; i++) t[i] = t[i] === 1 ? hi : lo;
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < z.length; i++) {
      const f = a * z[i] + b;
      // log(1 + e^f) − t·f, computed without overflow.
      s += w[i] * ((f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - t[i] * f);
    }
    return s;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
    for (let i = 0; i < z.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * z[i] + b)));
      const d = w[i] * (p - t[i]);
      const h = w[i] * p * (1 - p);
      ga += d * z[i];
      gb += d;
      haa += h * z[i] * z[i];
      hab += h * z[i];
      hbb += h;
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = loss(a - da, b - db);
    while (next > current && step > 1e-8) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (next > current) break;
    a -= step * da;
    b -= step * db;
    const gain = current - next;
    current = next;
    if (gain < 1e-12 * Math.max(1, Math.abs(current))) break;
  }
  // a ≤ 0 would reverse the ranking; a model that bad should not be calibrated but retrained.
  if (!(a > 0)) throw new Error(`fitPlatt: fitted slope ${a} is not positive; the scores do not rank the labels`);
  return { a, b };
}

/** @module Binary log-loss: the only place that knows the loss, its gradients and its starting point. */

/** Log-odds of the weighted positive rate: the constant that minimises log-loss before any tree. */
export function initialMargin(labels: Float32Array, weights: Float32Array): number {
  let pos = 0;
  let all = 0;
  for (let i = 0; i < labels.length; i++) {
    all += weights[i];
    pos += weights[i] * labels[i];
  }
  if (all <= 0) throw new Error('the training rows have zero total weight');
  const p = Math.min(Math.max(pos / all, 1e-6), 1 - 1e-6);
  return Math.log(p / (1 - p));
}

/** First and second derivatives of weighted log-loss with respect to the margin, written in place. */
export function computeGradients(
  margins: Float64Array,
  labels: Float32Array,
  weights: Float32Array,
  grad: Float32Array,
  hess: Float32Array,
): void {
  for (let i = 0; i < margins.length; i++) gradientAt(margins, labels, weights, grad, hess, i);
}

/** Row r's gradient and hessian, written in place; both engines call this, so they agree bit for bit. */
export function gradientAt(margins: Float64Array, labels: Float32Array, weights: Float32Array, grad: Float32Array, hess: Float32Array, r: number): void {
  const p = 1 / (1 + Math.exp(-margins[r]));
  const w = weights[r];
  grad[r] = (p - labels[r]) * w;
  // Floor the hessian so a fully confident row still counts toward min_child_weight a little.
  hess[r] = Math.max(p * (1 - p), 1e-16) * w;
}

/** Mean weighted log-loss of margins against labels. */
export function logLoss(margins: Float64Array, labels: Float32Array, weights?: Float32Array): number {
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < margins.length; i++) {
    const m = margins[i];
    // log(1 + e^-m) for y=1 and log(1 + e^m) for y=0, written to stay finite for large |m|.
    const z = labels[i] > 0.5 ? -m : m;
    const loss = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    const w = weights ? weights[i] : 1;
    sum += w * loss;
    wsum += w;
  }
  return sum / wsum;
}

/** @module Small, exact-enough statistics for experiment reports: normal tails, exact Poisson intervals, two-proportion and rate tests. */

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; absolute error below 1e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < lo ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** P(X ≤ k) for X ~ Poisson(mean), summed in log space so large k and means stay finite. */
export function poissonCdf(k: number, mean: number): number {
  if (k < 0) return 0;
  if (mean === 0) return 1;
  let logTerm = -mean;
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(mean / i);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

/**
 * Exact (Garwood) two-sided interval for a Poisson mean after observing `k` events: conservative,
 * so it covers the truth at least `confidence` of the time. Solved by bisection on the CDF.
 */
export function poissonInterval(k: number, confidence = 0.95): { low: number; high: number } {
  const alpha = 1 - confidence;
  const solve = (f: (m: number) => number): number => {
    let lo = 0;
    let hi = Math.max(10, k * 3 + 30);
    for (let i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1, hi); i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  // low: P(X ≥ k | low) = α/2, increasing in the mean; high: P(X ≤ k | high) = α/2, decreasing.
  const low = k === 0 ? 0 : solve((m) => alpha / 2 - (1 - poissonCdf(k - 1, m)));
  const high = solve((m) => poissonCdf(k, m) - alpha / 2);
  return { low, high };
}

/** Two-sided two-proportion z-test (pooled), e.g. share of alerts closed in arm B vs arm A. */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): { difference: number; z: number; p: number } {
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const pooled = n1 + n2 > 0 ? (x1 + x2) / (n1 + n2) : 0;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(n1, 1) + 1 / Math.max(n2, 1)));
  const z = se > 0 ? (p2 - p1) / se : 0;
  return { difference: p2 - p1, z, p: se > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1 };
}

/**
 * Exact conditional test that two Poisson counts have the same rate per unit of exposure:
 * given k1 + k2, k2 is Binomial(k1 + k2, e2 / (e1 + e2)) under the null. Two-sided p-value
 * (sum of outcomes no more likely than the observed one).
 */
export function poissonRateTest(k1: number, e1: number, k2: number, e2: number): number {
  const n = k1 + k2;
  if (n === 0 || e1 <= 0 || e2 <= 0) return 1;
  const p = e2 / (e1 + e2);
  const lf = logFactorials(n);
  const logPmf = (x: number) => lf[n] - lf[x] - lf[n - x] + x * Math.log(p) + (n - x) * Math.log1p(-p);
  const observed = logPmf(k2);
  let total = 0;
  for (let x = 0; x <= n; x++) {
    const lp = logPmf(x);
    if (lp <= observed + 1e-9) total += Math.exp(lp);
  }
  return Math.min(1, total);
}

/** McNemar's test on discordant pairs (b: only the first closes, c: only the second), normal form with continuity correction. */
export function mcnemarTest(b: number, c: number): { z: number; p: number } {
  if (b + c === 0) return { z: 0, p: 1 };
  const z = (Math.abs(c - b) - 1) / Math.sqrt(b + c);
  return { z: Math.sign(c - b) * Math.max(0, z), p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))) };
}

function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1] + Math.log(i);
  return out;
}

// Small closed-form statistics for the genetics tests and previews. mathjs has `lgamma` and `erf` but no
// regularized incomplete gamma, so P(a, x) is computed here by its series and continued fraction
// (Numerical Recipes §6.2, relative accuracy ~1e-12); χ² p-values and critical values follow from it
// exactly, without the Wilson–Hilferty approximation.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
  }
  return 1 - regularizedGammaQ(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - regularizedGammaP(a, x);
  // Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** P(χ²_df ≥ x): the p-value of a χ² statistic. */
export function chiSquareSurvival(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

/** The χ²_df value exceeded with probability `alpha` (bisection on the exact survival function). */
export function chiSquareCritical(df: number, alpha: number): number {
  let lo = 0;
  let hi = Math.max(10, df * 10);
  while (chiSquareSurvival(hi, df) > alpha) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A χ² test result. */
export interface ChiSquareResult {
  stat: number;
  df: number;
  p: number;
}

/**
 * χ² goodness of fit of observed counts to expected probabilities. Adjacent cells are pooled until each
 * expects at least `minExpected` (the usual validity rule); `estimated` parameters reduce the df.
 */
export function chiSquareTest(
  observed: ArrayLike<number>,
  expectedP: ArrayLike<number>,
  options: { minExpected?: number; estimated?: number } = {},
): ChiSquareResult {
  const min = options.minExpected ?? 5;
  let n = 0;
  for (let i = 0; i < observed.length; i++) n += observed[i];
  let pSum = 0;
  for (let i = 0; i < expectedP.length; i++) pSum += expectedP[i];
  const cells: Array<[number, number]> = [];
  let o = 0;
  let e = 0;
  for (let i = 0; i < observed.length; i++) {
    o += observed[i];
    e += (n * expectedP[i]) / pSum;
    if (e >= min) {
      cells.push([o, e]);
      o = 0;
      e = 0;
    }
  }
  if (e > 0 || o > 0) {
    if (cells.length > 0) {
      cells[cells.length - 1][0] += o;
      cells[cells.length - 1][1] += e;
    } else cells.push([o, e]);
  }
  const stat = cells.reduce((s, [oc, ec]) => s + (oc - ec) ** 2 / ec, 0);
  const df = cells.length - 1 - (options.estimated ?? 0);
  return { stat, df, p: df > 0 ? chiSquareSurvival(stat, df) : 1 };
}

/** χ² test that two samples of counts over the same cells come from one distribution (2 × k table). */
export function chiSquareHomogeneity(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  minExpected = 5,
): ChiSquareResult {
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    na += a[i];
    nb += b[i];
  }
  const n = na + nb;
  const cells: Array<[number, number]> = [];
  let ca = 0;
  let cb = 0;
  for (let i = 0; i < a.length; i++) {
    ca += a[i];
    cb += b[i];
    // Pool adjacent columns until both rows expect at least minExpected.
    if ((Math.min(na, nb) * (ca + cb)) / n >= minExpected) {
      cells.push([ca, cb]);
      ca = 0;
      cb = 0;
    }
  }
  if (ca + cb > 0) {
    if (cells.length > 0) {
      cells[cells.length - 1][0] += ca;
      cells[cells.length - 1][1] += cb;
    } else cells.push([ca, cb]);
  }
  let stat = 0;
  for (const [x, y] of cells) {
    const col = x + y;
    const ea = (na * col) / n;
    const eb = (nb * col) / n;
    stat += (x - ea) ** 2 / ea + (y - eb) ** 2 / eb;
  }
  const df = cells.length - 1;
  return { stat, df, p: df > 0 ? chiSquareSurvival(stat, df) : 1 };
}

/** Exact two-sided binomial test: the probability of an outcome no more likely than `k` successes in `n` trials. */
export function binomialTwoSidedP(k: number, n: number, p: number): number {
  const lnC = (i: number): number => lnGamma(n + 1) - lnGamma(i + 1) - lnGamma(n - i + 1);
  const lnPmf = (i: number): number =>
    lnC(i) + (i > 0 ? i * Math.log(p) : 0) + (n - i > 0 ? (n - i) * Math.log(1 - p) : 0);
  const at = lnPmf(k);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const l = lnPmf(i);
    if (l <= at + 1e-7) total += Math.exp(l);
  }
  return Math.min(1, total);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * Kolmogorov–Smirnov critical distance at level `alpha` (asymptotic: c(α) = √(−ln(α/2)/2)), one-sample
 * for `n` draws, or two-sample when `m` is given.
 */
export function ksCritical(alpha: number, n: number, m?: number): number {
  const c = Math.sqrt(-Math.log(alpha / 2) / 2);
  return m === undefined ? c / Math.sqrt(n) : c * Math.sqrt((n + m) / (n * m));
}

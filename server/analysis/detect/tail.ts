/**
 * Tail probabilities for counts: how surprising is `x` when `mean` was expected? Poisson when the
 * series is as regular as pure chance, negative binomial when it is burstier (dispersion > 1),
 * and binomial for "k negative out of n". Exact sums in log space, so tiny p-values stay exact.
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7). */
export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let a = 0.99999999999980993;
  const t = x + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (x + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Sums exp(logPmf(k)) for k = from, from+1, ... until the terms stop mattering. */
function upperSum(logPmf: (k: number) => number, from: number, max = Infinity): number {
  let sum = 0;
  for (let k = from; k <= max; k++) {
    const term = Math.exp(logPmf(k));
    sum += term;
    if (term < sum * 1e-12 && k > from + 5) break;
    if (k - from > 100_000) break;
  }
  return Math.min(1, sum);
}

function lowerComplement(logPmf: (k: number) => number, x: number): number {
  let below = 0;
  for (let k = 0; k < x; k++) below += Math.exp(logPmf(k));
  return Math.max(0, 1 - below);
}

/**
 * P(X ≥ x) for a count with the given mean and dispersion (variance / mean, ≥ 1).
 * @example countUpperTail(12, 2, 1) // ≈ 1.1e-6 (Poisson)
 */
export function countUpperTail(x: number, mean: number, dispersion = 1): number {
  if (x <= 0) return 1;
  if (mean <= 0) return 0;
  const k0 = Math.ceil(x);
  let logPmf: (k: number) => number;
  if (dispersion <= 1.0001) {
    logPmf = (k) => -mean + k * Math.log(mean) - lnGamma(k + 1);
  } else {
    // Negative binomial with variance = dispersion * mean: size r = mean / (dispersion - 1).
    const r = mean / (dispersion - 1);
    const p = r / (r + mean);
    logPmf = (k) => lnGamma(k + r) - lnGamma(r) - lnGamma(k + 1) + r * Math.log(p) + k * Math.log(1 - p);
  }
  // Below the mean the tail is large and the complement is the accurate side.
  return k0 <= mean ? lowerComplement(logPmf, k0) : upperSum(logPmf, k0);
}

/**
 * P(K ≥ k) for K ~ Binomial(n, p).
 * @example binomialUpperTail(8, 10, 0.2) // ≈ 7.8e-5
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log(1 - p);
  const base = lnGamma(n + 1);
  const logPmf = (i: number) => base - lnGamma(i + 1) - lnGamma(n - i + 1) + i * lp + (n - i) * lq;
  return k <= n * p ? lowerComplement(logPmf, k) : upperSum(logPmf, k, n);
}

/**
 * The expected level of a count series, learned as it goes: a time-of-day profile (24 hourly
 * slots) times a day-of-week factor (7 slots), each an exponentially weighted mean that starts as
 * a plain mean, shrunk towards the overall level while a slot has little data. Also learns how
 * bursty the series is (dispersion = variance / mean) for the tail test. A bucket far above the
 * expectation is clamped before it is learned, so an incident does not become the new normal.
 */

export interface Baseline {
  /** Buckets learned. */
  n: number;
  level: number;
  hod: number[];
  hodN: number[];
  dow: number[];
  dowN: number[];
  dispersion: number;
}

export interface BaselineParams {
  bucketMs: number;
  /** Minutes east of UTC of the subject's local time, for the daily rhythm. */
  tzOffsetMinutes: number;
  /** Smallest weight of a new observation once a slot has history (memory ≈ 1/alpha updates). */
  alpha: number;
  /** Lowest expected count per bucket: a quiet night never expects exactly nothing. */
  floorPerBucket: number;
}

export const defaultBaselineParams: BaselineParams = { bucketMs: 5 * 60_000, tzOffsetMinutes: 0, alpha: 0.03, floorPerBucket: 0.02 };

export function emptyBaseline(): Baseline {
  return { n: 0, level: 0, hod: new Array<number>(24).fill(0), hodN: new Array<number>(24).fill(0), dow: new Array<number>(7).fill(1), dowN: new Array<number>(7).fill(0), dispersion: 1.5 };
}

function slots(t: number, p: BaselineParams): { h: number; d: number } {
  const local = new Date(t + p.tzOffsetMinutes * 60_000);
  return { h: local.getUTCHours(), d: local.getUTCDay() };
}

/** Buckets of an hour-of-day slot before it outweighs the overall level. */
const HOD_PRIOR = 12;
/** Buckets of a day-of-week slot before its factor counts fully. */
const DOW_PRIOR = 144;

/** Expected count for the bucket starting at `t`. */
export function expectedAt(b: Baseline, t: number, p: BaselineParams = defaultBaselineParams): number {
  const { h, d } = slots(t, p);
  const hn = b.hodN[h] ?? 0;
  const hourly = (hn * (b.hod[h] ?? 0) + HOD_PRIOR * b.level) / (hn + HOD_PRIOR);
  const dn = b.dowN[d] ?? 0;
  const factor = (dn * (b.dow[d] ?? 1) + DOW_PRIOR) / (dn + DOW_PRIOR);
  return Math.max(p.floorPerBucket, hourly * factor);
}

function ewma(mean: number, n: number, x: number, alpha: number): number {
  return mean + Math.max(1 / (n + 1), alpha) * (x - mean);
}

/** Learns the bucket starting at `t` with count `x`; returns a new baseline. */
export function learn(b: Baseline, t: number, x: number, p: BaselineParams = defaultBaselineParams): Baseline {
  const e = expectedAt(b, t, p);
  // An incident is not the new normal, but steady growth is: clamp what one bucket can teach.
  const v = b.n < 12 ? x : Math.min(x, 3 * e + 3);
  const { h, d } = slots(t, p);
  const next: Baseline = { ...b, hod: [...b.hod], hodN: [...b.hodN], dow: [...b.dow], dowN: [...b.dowN] };
  next.level = ewma(b.level, b.n, v, p.alpha / 12);
  const hn = b.hodN[h] ?? 0;
  next.hod[h] = ewma(b.hod[h] ?? 0, hn, v, p.alpha);
  next.hodN[h] = hn + 1;
  const hourly = (hn * (b.hod[h] ?? 0) + HOD_PRIOR * b.level) / (hn + HOD_PRIOR);
  if (hourly > 0.05) {
    const dn = b.dowN[d] ?? 0;
    next.dow[d] = Math.min(5, Math.max(0.2, ewma(b.dow[d] ?? 1, dn, v / hourly, p.alpha / 12)));
    next.dowN[d] = dn + 1;
  }
  if (b.n >= 12 && e > 0.5) {
    // Pearson dispersion (x - e)² / e, learned slowly and kept in [1, 4].
    next.dispersion = Math.min(4, Math.max(1, ewma(b.dispersion, 1e9, ((v - e) * (v - e)) / e, 0.005)));
  }
  next.n = b.n + 1;
  return next;
}

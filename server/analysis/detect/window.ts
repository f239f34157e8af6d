/** Sums over the last few buckets of a series: the window an alert is judged on and explained by. */
import type { AlertWhy, Bucket } from './types';

export interface WindowStats {
  start: number;
  buckets: number;
  posts: number;
  /** Distinct authors over the window: exact when every bucket lists its authors, else summed per bucket. */
  authors: number;
  negative: number;
  /** Distinct authors with a negative post over the window (summed per bucket when not listed). */
  negativeAuthors: number;
  scored: number;
  expected: number;
  sources: Record<string, number>;
  postIds: string[];
  topTerms: string[];
}

/** Stats of the last `w` buckets of `recent` (oldest first), with `expected` parallel to it. */
export function windowStats(recent: Bucket[], expected: number[], w: number): WindowStats {
  const from = Math.max(0, recent.length - w);
  const slice = recent.slice(from);
  const exp = expected.slice(from);
  const exact = slice.every((b) => b.authorIds !== undefined);
  const ids = new Set<string>();
  const negExact = slice.every((b) => b.negativeAuthorIds !== undefined);
  const negIds = new Set<string>();
  const sources: Record<string, number> = {};
  const terms: Record<string, number> = {};
  const postIds: string[] = [];
  let posts = 0;
  let summed = 0;
  let negative = 0;
  let scored = 0;
  for (const b of slice) {
    posts += b.posts;
    summed += b.authors;
    negative += b.negative;
    scored += b.scored;
    if (exact) for (const a of b.authorIds ?? []) ids.add(a);
    if (negExact) for (const a of b.negativeAuthorIds ?? []) negIds.add(a);
    for (const [s, n] of Object.entries(b.sources)) sources[s] = (sources[s] ?? 0) + n;
    for (const [t, n] of Object.entries(b.terms ?? {})) terms[t] = (terms[t] ?? 0) + n;
    for (const id of b.postIds ?? []) if (postIds.length < 5) postIds.push(id);
  }
  const topTerms = Object.entries(terms)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 6)
    .map(([t]) => t);
  return {
    start: slice[0]?.start ?? 0,
    buckets: slice.length,
    posts,
    authors: exact ? ids.size : summed,
    negative,
    negativeAuthors: negExact ? negIds.size : negative,
    scored,
    expected: exp.reduce((a, b) => a + b, 0),
    sources,
    postIds,
    topTerms,
  };
}

/** Observed vs expected per bucket for the why-panel chart (distinct authors per bucket). */
export function whySeries(recent: Bucket[], expected: number[]): AlertWhy['series'] {
  return recent.map((b, i) => ({ t: new Date(b.start).toISOString(), observed: b.authors, expected: round(expected[i] ?? 0) }));
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** "15 min", "2 h" */
export function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min < 120 ? `${min} min` : `${round(min / 60, 1)} h`;
}

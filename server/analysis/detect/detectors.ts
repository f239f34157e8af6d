/**
 * The detectors: each looks at the last buckets of one series and says whether a condition holds
 * now. Counts are distinct authors, so one loud account is one voice; a count must clear a tail
 * test (negative binomial with the series' learned dispersion), a ratio to the expected level and
 * a minimum of authors, all three set by the subject's sensitivity.
 */
import { binomialUpperTail, countUpperTail } from './tail';
import type { Bucket, Signal, Thresholds } from './types';
import { duration, round, whySeries, windowStats, type WindowStats } from './window';

/** Windows tried, in buckets: the latest bucket alone, then 15 minutes, then an hour (of 5-minute buckets). */
export const WINDOWS = [1, 3, 12];

export interface SeriesView {
  recent: Bucket[];
  expected: number[];
  dispersion: number;
  bucketMs: number;
  /**
   * Extra authors a one-bucket burst (a thread drawing people in at once, then gone) reached lately
   * in this series: discounted once from every window, so the series' usual chatter is no spike.
   */
  burstAllowance?: number;
}

interface Best {
  w: WindowStats;
  p: number;
}

/** The window with the most surprising count that clears every threshold, or null. */
function bestCountWindow(v: SeriesView, thr: Thresholds, windows: number[], floorPerWindow = 0): Best | null {
  let best: Best | null = null;
  for (const size of windows) {
    // A series younger than the window (a new issue) is judged on the buckets it has.
    const w = windowStats(v.recent, v.expected, size);
    const mean = Math.max(w.expected, floorPerWindow);
    w.expected = mean;
    const counted = w.authors - (v.burstAllowance ?? 0);
    if (w.authors < thr.minAuthors || counted < thr.minRatio * mean) continue;
    // Several windows are tried: Bonferroni keeps the false-alarm rate where alpha says.
    const p = Math.min(1, countUpperTail(counted, mean, v.dispersion) * windows.length);
    if (p < thr.alpha && (!best || p < best.p)) best = { w, p };
  }
  return best;
}

function baseSignal(key: string, kind: Signal['kind'], b: Best, v: SeriesView, summary: string): Signal {
  const start = b.w.start;
  const end = start + b.w.buckets * v.bucketMs;
  return {
    key,
    kind,
    subjectId: null,
    issueId: null,
    source: null,
    observed: b.w.authors,
    expected: round(b.w.expected),
    pValue: b.p,
    windowBuckets: b.w.buckets,
    windowStart: start,
    windowEnd: end,
    why: {
      summary,
      observed: b.w.authors,
      expected: round(b.w.expected),
      since: new Date(start).toISOString(),
      series: whySeries(v.recent, v.expected),
      topTerms: b.w.topTerms,
      issueId: null,
      issueLabel: null,
      postIds: b.w.postIds,
      sources: b.w.sources,
      distinctAuthors: b.w.authors,
    },
  };
}

/** More distinct authors about a subject than its normal for this hour and weekday. */
export function volumeSpike(subjectId: string, v: SeriesView, thr: Thresholds): Signal | null {
  const b = bestCountWindow(v, thr, WINDOWS);
  if (!b) return null;
  const summary = `${b.w.authors} distinct authors in ${duration(b.w.buckets * v.bucketMs)}, expected ${round(b.w.expected, 1)}`;
  return { ...baseSignal(`volume_spike:subject:${subjectId}`, 'volume_spike', b, v, summary), subjectId };
}

/**
 * A sharp rise of the negative share against the subject's usual share `baseShare`
 * (binomial tail, with counts deflated by 1.5 for the overdispersion of real traffic).
 */
export function negativeShareRise(subjectId: string, v: SeriesView, baseShare: number, thr: Thresholds): Signal | null {
  let best: Best | null = null;
  for (const size of [3, 12]) {
    if (v.recent.length < size) continue;
    const w = windowStats(v.recent, v.expected, size);
    if (w.scored < thr.minScored || w.negativeAuthors < thr.minAuthors) continue;
    const share = w.negative / w.scored;
    if (share - baseShare < thr.minShareRise) continue;
    const p = Math.min(1, binomialUpperTail(Math.round(w.negative / 1.5), Math.round(w.scored / 1.5), Math.max(0.01, baseShare)) * 2);
    if (p < thr.alpha && (!best || p < best.p)) best = { w, p };
  }
  if (!best) return null;
  const share = best.w.negative / best.w.scored;
  const summary = `negative share ${Math.round(share * 100)}% of ${best.w.scored} posts in ${duration(best.w.buckets * v.bucketMs)}, usually ${Math.round(baseShare * 100)}%`;
  const s = baseSignal(`negative_share:subject:${subjectId}`, 'negative_share', best, v, summary);
  return { ...s, subjectId, observed: round(share, 3), expected: round(baseShare, 3), why: { ...s.why, observed: round(share, 3), expected: round(baseShare, 3) } };
}

export interface IssueContext {
  issueId: number;
  subjectId: string;
  label: string | null;
  topTerms: string[];
  representativePostIds: string[];
}

/**
 * A new issue drawing more distinct authors in a short window than that subject's normal allows:
 * `v.expected` is the issue's share of the subject's expected complaints.
 */
export function issueEmerging(ctx: IssueContext, v: SeriesView, thr: Thresholds, floorPerHour: number): Signal | null {
  const hour = 3_600_000 / v.bucketMs;
  const loose = { ...thr, alpha: thr.issueAlpha, minAuthors: thr.issueMinAuthors };
  const b = bestCountWindow(v, loose, [3, 12], 0);
  if (!b) return null;
  const floor = (floorPerHour * b.w.buckets) / hour;
  if (b.w.expected < floor) {
    b.w.expected = floor;
    b.p = Math.min(1, countUpperTail(b.w.authors, floor, v.dispersion) * 2);
    if (b.p >= loose.alpha || b.w.authors < thr.minRatio * floor) return null;
  }
  const summary = `new issue "${ctx.label ?? ctx.issueId}": ${b.w.authors} distinct authors in ${duration(b.w.buckets * v.bucketMs)}, expected ${round(b.w.expected, 1)}`;
  return issueSignal(`issue_emerging:issue:${ctx.issueId}`, 'issue_emerging', ctx, b, v, summary);
}

/** An established issue gaining distinct authors much faster than its own recent rate. */
export function issueAccelerating(ctx: IssueContext, v: SeriesView, thr: Thresholds): Signal | null {
  // Background issues drift (merges, morning ramps): the strict subject thresholds apply, with at least a doubling.
  const strict = { ...thr, alpha: thr.accelAlpha, minAuthors: thr.issueMinAuthors, minRatio: Math.max(2, thr.minRatio) };
  const b = bestCountWindow(v, strict, [3, 12], 0);
  if (!b) return null;
  const summary = `issue "${ctx.label ?? ctx.issueId}" accelerating: ${b.w.authors} distinct authors in ${duration(b.w.buckets * v.bucketMs)}, usually ${round(b.w.expected, 1)}`;
  return issueSignal(`issue_accelerating:issue:${ctx.issueId}`, 'issue_accelerating', ctx, b, v, summary);
}

function issueSignal(key: string, kind: Signal['kind'], ctx: IssueContext, b: Best, v: SeriesView, summary: string): Signal {
  const s = baseSignal(key, kind, b, v, summary);
  const postIds = ctx.representativePostIds.length > 0 ? ctx.representativePostIds : s.why.postIds;
  const topTerms = ctx.topTerms.length > 0 ? ctx.topTerms : s.why.topTerms;
  return { ...s, subjectId: ctx.subjectId, issueId: ctx.issueId, why: { ...s.why, issueId: ctx.issueId, issueLabel: ctx.label, postIds, topTerms } };
}

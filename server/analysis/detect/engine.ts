/**
 * Detection over time: feeds completed buckets to each series in time order, runs the detectors
 * on every bucket, learns the bucket into the baseline, and steps the alert lifecycle at each
 * bucket's end. The bucket that is still filling (the one containing `now`), when given, is judged
 * on what it holds so far against the share of its expectation already due, but never learned:
 * pass it again once complete. Buckets at or before a series' last learned bucket are ignored, so
 * calling twice with the same input changes nothing.
 */
import { defaultBaselineParams, emptyBaseline, expectedAt, learn, type Baseline, type BaselineParams } from './baseline';
import { emptyBucket } from './bucketize';
import { countUpperTail } from './tail';
import { issueAccelerating, issueEmerging, negativeShareRise, volumeSpike, type IssueContext } from './detectors';
import { defaultLifecycleParams, emptyAlertBook, stepAlerts, type AlertBook, type LifecycleParams } from './lifecycle';
import { thresholds, type AlertEvent, type Bucket, type Sensitivity, type Signal, type Thresholds } from './types';

/** Buckets kept per series: the longest window (an hour) plus the why-panel chart. */
const RECENT = 12;

export interface SubjectSeries {
  lastStart: number | null;
  volume: Baseline;
  negRate: number;
  scoredRate: number;
  negN: number;
  recent: Bucket[];
  expected: number[];
  /** One-bucket bursts of the last week: [bucket start, extra authors]. */
  bursts?: Array<[number, number]>;
}

export interface IssueSeries {
  subjectId: string;
  firstSeen: number;
  lastStart: number | null;
  lastActive: number;
  /**
   * The issue's distinct authors per bucket as a share of its subject's expected authors, learned:
   * times the subject's expectation it gives the issue's expected level with the daily rhythm in.
   */
  rate: number;
  rateN: number;
  recent: Bucket[];
  expected: number[];
}

export interface DetectState {
  version: 1;
  subjects: Record<string, SubjectSeries>;
  issues: Record<string, IssueSeries>;
  alerts: AlertBook;
}

export interface DetectParams {
  bucketMs: number;
  /** Buckets a subject must have learned before it can alert (a day of 5-minute buckets). */
  minHistoryBuckets: number;
  baseline: Omit<BaselineParams, 'bucketMs' | 'tzOffsetMinutes'>;
  lifecycle: LifecycleParams;
  /** A single issue's expected share of its subject's negative posts. */
  issueShare: number;
  /** Lowest expected distinct authors per hour for an issue. */
  issueFloorPerHour: number;
  /** Issues younger than this are judged as emerging, older ones as accelerating. */
  emergingMaxAgeMs: number;
  /** Issue series idle this long are forgotten. */
  issueIdleDropMs: number;
  /** At most this many buckets are replayed in one call (after a long pause the rest are skipped). */
  maxCatchUpBuckets: number;
}

export const defaultDetectParams: DetectParams = {
  bucketMs: 5 * 60_000,
  minHistoryBuckets: 288,
  baseline: { alpha: defaultBaselineParams.alpha, floorPerBucket: defaultBaselineParams.floorPerBucket },
  lifecycle: defaultLifecycleParams,
  issueShare: 0.1,
  issueFloorPerHour: 0.25,
  emergingMaxAgeMs: 12 * 3_600_000,
  issueIdleDropMs: 48 * 3_600_000,
  maxCatchUpBuckets: 7 * 288,
};

export interface SubjectInput {
  subjectId: string | number;
  sensitivity?: Sensitivity;
  /** Minutes east of UTC of the subject's audience, for its daily rhythm. */
  tzOffsetMinutes?: number;
  buckets: Bucket[];
}

export interface IssueInput {
  issueId: number;
  subjectId: string | number;
  firstSeen?: Date;
  label?: string | null;
  topTerms?: string[];
  representativePostIds?: string[];
  buckets: Bucket[];
}

/** A source's silence as decided by the source-health check (server/analysis/silence). */
export interface SourceInput {
  source: string;
  silent: boolean;
  lastPostAt: Date | null;
  /** Posts per hour the source usually delivers at this time, for the why. */
  expectedPerHour?: number;
}

export interface DetectInput {
  subjects?: SubjectInput[];
  issues?: IssueInput[];
  sources?: SourceInput[];
}

export interface DetectResult {
  state: DetectState;
  signals: Signal[];
  events: AlertEvent[];
}

export function emptyDetectState(): DetectState {
  return { version: 1, subjects: {}, issues: {}, alerts: emptyAlertBook() };
}

function newSubjectSeries(): SubjectSeries {
  return { lastStart: null, volume: emptyBaseline(), negRate: 0, scoredRate: 0, negN: 0, recent: [], expected: [] };
}

function push(list: Bucket[], expected: number[], b: Bucket, e: number): void {
  list.push(b);
  expected.push(e);
  if (list.length > RECENT) {
    list.shift();
    expected.shift();
  }
}

const BURST_MEMORY_MS = 7 * 86_400_000;

/**
 * Learns one-bucket bursts: the previous bucket rose far above its expectation (at least 3 authors,
 * p < 1e-4) and this one is back to normal. A sustained rise (an incident) is never learned as a burst.
 */
function learnBursts(ser: SubjectSeries, t: number): void {
  const n = ser.recent.length;
  const prev = ser.recent[n - 2];
  const cur = ser.recent[n - 1];
  const ePrev = ser.expected[n - 2] ?? 0;
  const eCur = ser.expected[n - 1] ?? 0;
  const bursts = (ser.bursts ?? []).filter(([at]) => t - at < BURST_MEMORY_MS);
  // Only a bucket that chance alone hardly explains counts as a burst, or noise would blind the detector.
  const burst = prev !== undefined && prev.authors - ePrev >= 3 && countUpperTail(prev.authors, Math.max(ePrev, 0.05), ser.volume.dispersion) < 1e-4;
  if (prev && cur && burst && cur.authors <= eCur + 2 * Math.sqrt(eCur) + 1) bursts.push([prev.start, prev.authors - ePrev]);
  ser.bursts = bursts;
}

function burstAllowance(ser: SubjectSeries): number {
  return (ser.bursts ?? []).reduce((m, [, x]) => Math.max(m, x), 0);
}

function baseShare(s: SubjectSeries): number {
  return s.scoredRate > 0 && s.negN >= 12 ? s.negRate / s.scoredRate : 0.3;
}

function sourceSignal(src: SourceInput, now: number): Signal {
  const since = src.lastPostAt ? src.lastPostAt.getTime() : now;
  const summary = src.lastPostAt ? `no posts from ${src.source} since ${src.lastPostAt.toISOString()}` : `no posts from ${src.source} yet`;
  return {
    key: `source_silent:source:${src.source}`,
    kind: 'source_silent',
    subjectId: null,
    issueId: null,
    source: src.source,
    observed: 0,
    expected: src.expectedPerHour ?? 0,
    pValue: 1,
    windowBuckets: 1,
    windowStart: since,
    windowEnd: now,
    severity: 'warning',
    why: { summary, observed: 0, expected: src.expectedPerHour ?? 0, since: new Date(since).toISOString(), series: [], topTerms: [], issueId: null, issueLabel: null, postIds: [], sources: { [src.source]: 0 }, distinctAuthors: 0 },
  };
}

function subjectSignals(k: string, ser: SubjectSeries, recent: Bucket[], expected: number[], thr: Thresholds, bm: number): Signal[] {
  const view = { recent, expected, dispersion: ser.volume.dispersion, bucketMs: bm, burstAllowance: burstAllowance(ser) };
  const out: Signal[] = [];
  const v = volumeSpike(k, view, thr);
  if (v) out.push(v);
  const n = negativeShareRise(k, view, baseShare(ser), thr);
  if (n) out.push(n);
  return out;
}

/** An issue's expected distinct authors in the bucket at `t`: a young one's share of its subject's complaints, else its own learned rate. */
function issueExpected(ser: IssueSeries, subj: SubjectSeries | undefined, t: number, bp: BaselineParams, p: DetectParams): { e: number; subjectVolume: number } {
  const young = t - ser.firstSeen < p.emergingMaxAgeMs;
  const subjectVolume = subj ? expectedAt(subj.volume, t, bp) : 1;
  const subjectNeg = subj ? baseShare(subj) * subjectVolume : 0;
  const e = young ? p.issueShare * subjectNeg : Math.max(ser.rate * subjectVolume, (p.issueFloorPerHour * p.bucketMs) / 3_600_000);
  return { e, subjectVolume };
}

function issueSignals(s: DetectState, k: string, ser: IssueSeries, recent: Bucket[], expected: number[], t: number, thr: Thresholds, inp: IssueInput | undefined, p: DetectParams): Signal[] {
  const ctx: IssueContext = {
    issueId: Number(k),
    subjectId: ser.subjectId,
    label: inp?.label ?? null,
    topTerms: inp?.topTerms ?? [],
    representativePostIds: inp?.representativePostIds ?? [],
  };
  const view = { recent, expected, dispersion: 1.2, bucketMs: p.bucketMs };
  const young = t - ser.firstSeen < p.emergingMaxAgeMs;
  const sig = young ? issueEmerging(ctx, view, thr, p.issueFloorPerHour) : ser.rateN >= 24 ? issueAccelerating(ctx, view, thr) : null;
  // An issue already announced as emerging is not announced again as accelerating.
  if (!sig || (sig.kind === 'issue_accelerating' && s.alerts.byKey[`issue_emerging:issue:${k}`]?.status === 'open')) return [];
  return [sig];
}

/**
 * Runs detection up to `now`.
 * @example detect(emptyDetectState(), { subjects: [{ subjectId: 1, buckets }] }, now).events
 */
export function detect(state: DetectState, input: DetectInput, now: Date, params: Partial<DetectParams> = {}): DetectResult {
  return detectInPlace(structuredClone(state), input, now, params);
}

/** `detect` without the copy: updates `state` itself (for replays and benchmarks). */
export function detectInPlace(state: DetectState, input: DetectInput, now: Date, params: Partial<DetectParams> = {}): DetectResult {
  const p = { ...defaultDetectParams, ...params };
  const bm = p.bucketMs;
  const bp = (cfg: SubjectInput | undefined): BaselineParams => ({ ...p.baseline, bucketMs: bm, tzOffsetMinutes: cfg?.tzOffsetMinutes ?? 0 });
  const s = state;
  const nowMs = now.getTime();
  const lastComplete = Math.floor(nowMs / bm) * bm - bm;
  const subjectsIn = new Map((input.subjects ?? []).map((x) => [String(x.subjectId), x]));
  const issuesIn = new Map((input.issues ?? []).map((x) => [String(x.issueId), x]));
  const byStart = (buckets: Bucket[]) => new Map(buckets.map((b) => [b.start, b]));
  const subjectBuckets = new Map([...subjectsIn].map(([k, x]) => [k, byStart(x.buckets)]));
  const issueBuckets = new Map([...issuesIn].map(([k, x]) => [k, byStart(x.buckets)]));

  for (const [k, x] of subjectsIn) if (!s.subjects[k] && x.buckets.length > 0) s.subjects[k] = newSubjectSeries();
  for (const [k, x] of issuesIn) {
    if (s.issues[k] || x.buckets.length === 0) continue;
    const first = Math.min(...x.buckets.map((b) => b.start));
    s.issues[k] = { subjectId: String(x.subjectId), firstSeen: x.firstSeen?.getTime() ?? first, lastStart: null, lastActive: first, rate: 0, rateN: 0, recent: [], expected: [] };
  }

  const nextStart = (lastStart: number | null, provided: Map<number, Bucket> | undefined): number =>
    lastStart !== null ? lastStart + bm : Math.min(...(provided ? [...provided.keys()] : []), Infinity);
  let from = Infinity;
  for (const [k, ser] of Object.entries(s.subjects)) from = Math.min(from, nextStart(ser.lastStart, subjectBuckets.get(k)));
  for (const [k, ser] of Object.entries(s.issues)) from = Math.min(from, nextStart(ser.lastStart, issueBuckets.get(k)));
  from = Math.max(from, lastComplete - (p.maxCatchUpBuckets - 1) * bm);

  const signals: Signal[] = [];
  const events: AlertEvent[] = [];
  const sourceSignals = (input.sources ?? []).filter((x) => x.silent).map((x) => sourceSignal(x, nowMs));
  let stepped = false;
  for (let t = from; t <= lastComplete; t += bm) {
    const step: Signal[] = [];
    for (const [k, ser] of Object.entries(s.subjects)) {
      if (ser.lastStart !== null && t <= ser.lastStart) continue;
      if (ser.lastStart === null && t < nextStart(null, subjectBuckets.get(k))) continue;
      const cfg = subjectsIn.get(k);
      const thr = thresholds[cfg?.sensitivity ?? 'normal'];
      const b = subjectBuckets.get(k)?.get(t) ?? emptyBucket(t);
      push(ser.recent, ser.expected, b, expectedAt(ser.volume, t, bp(cfg)));
      // A bucket with nobody in it cannot start or grow a departure; skipping it saves the work.
      if (ser.volume.n >= p.minHistoryBuckets && b.authors > 0) step.push(...subjectSignals(k, ser, ser.recent, ser.expected, thr, bm));
      learnBursts(ser, t);
      ser.volume = learn(ser.volume, t, b.authors, bp(cfg));
      const a = Math.max(1 / (ser.negN + 1), 1 / 576);
      ser.negRate += a * (b.negative - ser.negRate);
      ser.scoredRate += a * (b.scored - ser.scoredRate);
      ser.negN++;
      ser.lastStart = t;
    }
    for (const [k, ser] of Object.entries(s.issues)) {
      if (ser.lastStart !== null && t <= ser.lastStart) continue;
      if (ser.lastStart === null && t < nextStart(null, issueBuckets.get(k))) continue;
      const b = issueBuckets.get(k)?.get(t) ?? emptyBucket(t);
      if (b.posts > 0) ser.lastActive = t;
      const subj = s.subjects[ser.subjectId];
      const cfg = subjectsIn.get(ser.subjectId);
      const thr = thresholds[cfg?.sensitivity ?? 'normal'];
      const { e, subjectVolume } = issueExpected(ser, subj, t, bp(cfg), p);
      push(ser.recent, ser.expected, b, e);
      const warm = subj !== undefined && subj.volume.n >= p.minHistoryBuckets && b.authors > 0;
      if (warm) step.push(...issueSignals(s, k, ser, ser.recent, ser.expected, t, thr, issuesIn.get(k), p));
      const x = ser.rateN < 12 ? b.authors : Math.min(b.authors, 3 * e + 1);
      ser.rate += Math.max(1 / (ser.rateN + 1), 0.02) * (x / Math.max(subjectVolume, 0.05) - ser.rate);
      ser.rateN++;
      ser.lastStart = t;
    }
    const last = t + bm > lastComplete;
    if (last) step.push(...sourceSignals);
    const r = stepAlerts(s.alerts, step, t + bm, p.lifecycle);
    s.alerts = r.book;
    events.push(...r.events);
    signals.push(...step);
    stepped = true;
  }
  // The bucket still filling: judged on what it holds so far against the part of its expectation
  // already due, so an incident alerts within the bucket it starts in; never learned.
  const filling = lastComplete + bm;
  const due = (nowMs - filling) / bm;
  if (due > 0 && due < 1) {
    const peek: Signal[] = [];
    for (const [k, ser] of Object.entries(s.subjects)) {
      const b = subjectBuckets.get(k)?.get(filling);
      if (!b || b.authors === 0 || ser.lastStart !== lastComplete || ser.volume.n < p.minHistoryBuckets) continue;
      const cfg = subjectsIn.get(k);
      const e = expectedAt(ser.volume, filling, bp(cfg)) * due;
      peek.push(...subjectSignals(k, ser, [...ser.recent, b], [...ser.expected, e], thresholds[cfg?.sensitivity ?? 'normal'], bm));
    }
    for (const [k, ser] of Object.entries(s.issues)) {
      const b = issueBuckets.get(k)?.get(filling);
      const subj = s.subjects[ser.subjectId];
      if (!b || b.authors === 0 || (ser.lastStart !== null && ser.lastStart !== lastComplete) || !subj || subj.volume.n < p.minHistoryBuckets) continue;
      const cfg = subjectsIn.get(ser.subjectId);
      const { e } = issueExpected(ser, subj, filling, bp(cfg), p);
      peek.push(...issueSignals(s, k, ser, [...ser.recent, b], [...ser.expected, e * due], filling, thresholds[cfg?.sensitivity ?? 'normal'], issuesIn.get(k), p));
    }
    if (peek.length > 0) {
      const r = stepAlerts(s.alerts, peek, nowMs, p.lifecycle);
      s.alerts = r.book;
      events.push(...r.events);
      signals.push(...peek);
    }
  }
  if (!stepped) {
    const r = stepAlerts(s.alerts, sourceSignals, nowMs, p.lifecycle);
    s.alerts = r.book;
    events.push(...r.events);
    signals.push(...sourceSignals);
  }
  for (const [k, ser] of Object.entries(s.issues)) {
    const open = Object.values(s.alerts.byKey).some((a) => a.issueId === Number(k) && a.status === 'open');
    if (!open && nowMs - ser.lastActive > p.issueIdleDropMs) delete s.issues[k];
  }
  return { state: s, signals, events };
}

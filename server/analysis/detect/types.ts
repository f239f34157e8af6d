/**
 * Shapes of spike and trend detection. Input is time buckets as plain arrays (see `bucketize`),
 * state is plain JSON, `now` is a parameter.
 */

/** One time bucket of a series (a subject, or an issue). */
export interface Bucket {
  /** Bucket start, ms since the epoch, a multiple of the bucket size. */
  start: number;
  posts: number;
  /** Distinct authors within the bucket. */
  authors: number;
  /** The authors themselves, when known: distinct authors over a window are then exact. */
  authorIds?: string[];
  /** Authors with a negative post, and authors with a scored post, each counted once per bucket (for the negative share). */
  negative: number;
  scored: number;
  /** The authors counted in `negative`, when known: a window then needs enough distinct ones. */
  negativeAuthorIds?: string[];
  /** Posts per source. */
  sources: Record<string, number>;
  /** A few post ids (one per author first), for the why. */
  postIds?: string[];
  /** Content word -> posts using it, for the why's top terms. */
  terms?: Record<string, number>;
}

export type Sensitivity = 'low' | 'normal' | 'high';
export type AlertKind = 'volume_spike' | 'negative_share' | 'issue_emerging' | 'issue_accelerating' | 'source_silent';
export type Severity = 'info' | 'warning' | 'critical';

export interface Thresholds {
  /** p-value below which a count is a departure. */
  alpha: number;
  /**
   * The same for a new issue's distinct authors: less strict, because a new issue starts from
   * nothing and is tested only while young, and `minAuthors` already guards it.
   */
  issueAlpha: number;
  /** The same for an established issue drawing authors faster than its own rate. */
  accelAlpha: number;
  minAuthors: number;
  /** Distinct authors a new issue needs in its window. */
  issueMinAuthors: number;
  /** Observed / expected needed on top of the p-value. */
  minRatio: number;
  /** Negative share: scored posts needed in the window, and the rise in share needed. */
  minScored: number;
  minShareRise: number;
}

export const thresholds: Record<Sensitivity, Thresholds> = {
  low: { alpha: 1e-7, issueAlpha: 1e-5, accelAlpha: 1e-7, minAuthors: 8, issueMinAuthors: 6, minRatio: 3, minScored: 20, minShareRise: 0.25 },
  normal: { alpha: 1e-4, issueAlpha: 1e-2, accelAlpha: 1e-5, minAuthors: 5, issueMinAuthors: 4, minRatio: 2, minScored: 12, minShareRise: 0.2 },
  high: { alpha: 1e-3, issueAlpha: 1e-2, accelAlpha: 1e-3, minAuthors: 3, issueMinAuthors: 3, minRatio: 1.5, minScored: 8, minShareRise: 0.12 },
};

/** A condition that holds now: the lifecycle turns it into an alert, or updates the open one. */
export interface Signal {
  /** One open alert per key, e.g. `volume_spike:subject:3`. */
  key: string;
  kind: AlertKind;
  subjectId: string | null;
  issueId: number | null;
  source: string | null;
  observed: number;
  expected: number;
  pValue: number;
  /** Buckets over which the departure built up (1 = all at once). */
  windowBuckets: number;
  windowStart: number;
  windowEnd: number;
  /** Set by conditions that are not counts (a silent source); otherwise derived by `severityOf`. */
  severity?: Severity;
  why: AlertWhy;
}

/** Why an alert fired: enough to judge it without digging. Post ids as the caller gave them. */
export interface AlertWhy {
  summary: string;
  observed: number;
  expected: number;
  /** ISO time the departure started. */
  since: string;
  series: Array<{ t: string; observed: number; expected: number }>;
  topTerms: string[];
  issueId: number | null;
  issueLabel: string | null;
  postIds: string[];
  sources: Record<string, number>;
  distinctAuthors: number;
}

export interface AlertRecord {
  id: number;
  key: string;
  kind: AlertKind;
  subjectId: string | null;
  issueId: number | null;
  source: string | null;
  status: 'open' | 'resolved';
  severity: Severity;
  observed: number;
  expected: number;
  windowStart: number;
  windowEnd: number;
  openedAt: number;
  updatedAt: number;
  lastFiringAt: number;
  resolvedAt: number | null;
  cooldownUntil: number | null;
  why: AlertWhy;
}

export interface AlertEvent {
  type: 'opened' | 'updated' | 'escalated' | 'resolved';
  alert: AlertRecord;
}

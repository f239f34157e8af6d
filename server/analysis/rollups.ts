/**
 * Turns stored (or deleted) posts into increments of the hourly rollups dashboards read.
 * Reposts count as amplification: they add to `reposts` only, never to posts, sentiment or voices.
 */

export interface RollupInput {
  subjectIds: number[];
  createdAt: Date;
  kind: string;
  authorId: string;
  label: string | null;
  score: number | null;
  aspects: Array<{ aspect: string; polarity: number }>;
}

export interface RollupDelta {
  subjectId: number;
  bucket: Date;
  posts: number;
  reposts: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  scoreSum: number;
  /** Authors of original posts, replies and quotes in this hour (the store keeps the exact set). */
  authors: Set<string>;
  aspects: Map<string, { mentions: number; negative: number }>;
}

const HOUR = 3_600_000;

/** The hour a timestamp falls in. @example hourBucket(new Date('2026-01-01T10:42Z')) // 2026-01-01T10:00Z */
export function hourBucket(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR) * HOUR);
}

/**
 * Sums posts into one delta per (subject, hour), sorted by subject then hour so concurrent writers
 * lock rollup rows in the same order. `sign` -1 takes deleted posts back out.
 */
export function rollupDeltas(posts: RollupInput[], sign: 1 | -1 = 1): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  accumulate(byKey, posts, sign);
  return sorted(byKey);
}

/**
 * One delta per (subject, hour) for a batch that both adds and deletes posts: the upsert that
 * applies them may touch each rollup row only once per statement.
 * @example rollupChanges([post], [sameHourDeletedPost]) // one delta with posts 0
 */
export function rollupChanges(added: RollupInput[], removed: RollupInput[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  accumulate(byKey, added, 1);
  accumulate(byKey, removed, -1);
  return sorted(byKey);
}

function sorted(byKey: Map<string, RollupDelta>): RollupDelta[] {
  return [...byKey.values()].sort((a, b) => a.subjectId - b.subjectId || a.bucket.getTime() - b.bucket.getTime());
}

function accumulate(byKey: Map<string, RollupDelta>, posts: RollupInput[], sign: 1 | -1): void {
  for (const p of posts) {
    const bucket = hourBucket(p.createdAt);
    for (const subjectId of p.subjectIds) {
      const key = `${subjectId}:${bucket.getTime()}`;
      let d = byKey.get(key);
      if (!d) {
        d = { subjectId, bucket, posts: 0, reposts: 0, positive: 0, negative: 0, neutral: 0, unscored: 0, scoreSum: 0, authors: new Set(), aspects: new Map() };
        byKey.set(key, d);
      }
      if (p.kind === 'repost') {
        d.reposts += sign;
        continue;
      }
      d.posts += sign;
      if (sign > 0) d.authors.add(p.authorId);
      switch (p.label) {
        case 'positive':
          d.positive += sign;
          break;
        case 'negative':
          d.negative += sign;
          break;
        case 'neutral':
          d.neutral += sign;
          break;
        default:
          d.unscored += sign;
      }
      if (p.label !== 'unscored' && p.score !== null) d.scoreSum += sign * p.score;
      for (const a of p.aspects) {
        const agg = d.aspects.get(a.aspect) ?? { mentions: 0, negative: 0 };
        agg.mentions += sign;
        if (a.polarity < 0) agg.negative += sign;
        d.aspects.set(a.aspect, agg);
      }
    }
  }
}

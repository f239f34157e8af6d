import type { Kysely } from 'kysely';
import type { OverviewResponse, ScorecardResponse, Totals } from '../../shared/api/stats';
import { resolveRange, type RangeQuery } from '../../shared/api/range';
import { bucketStarts, negativeShare, netSentiment } from '../analysis/stats';
import { listSubjects } from '../db/repositories/subjects.repository';
import * as stats from '../db/repositories/stats.repository';
import type { Database } from '../db/tables';

const zero: stats.Counts = { posts: 0, reposts: 0, positive: 0, negative: 0, neutral: 0 };

function toTotals(c: stats.Counts | undefined): Totals {
  const v = c ?? zero;
  return { ...pick(v), net: netSentiment(v), negativeShare: negativeShare(v) };
}

const pick = (c: stats.Counts) => ({ posts: c.posts, reposts: c.reposts, positive: c.positive, negative: c.negative, neutral: c.neutral });

export async function overview(db: Kysely<Database>, q: RangeQuery, now: Date, subjectIds?: number[]): Promise<OverviewResponse> {
  const range = resolveRange(q, now);
  const [subjects, rows, current, previous] = await Promise.all([
    listSubjects(db),
    stats.subjectSeries(db, range.from, range.to, range.granularity, subjectIds),
    stats.subjectTotals(db, range.from, range.to),
    stats.subjectTotals(db, range.previous.from, range.previous.to),
  ]);
  const buckets = bucketStarts(range.from, range.to, range.granularity);
  const allPosts = [...current.values()].reduce((n, c) => n + c.posts, 0);
  const wanted = subjectIds?.length ? subjects.filter((s) => subjectIds.includes(s.id)) : subjects;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    granularity: range.granularity,
    subjects: wanted.map((s) => {
      const byTime = new Map(rows.filter((r) => r.subjectId === s.id).map((r) => [new Date(r.t).getTime(), r]));
      return {
        id: s.id,
        name: s.name,
        kind: s.kind,
        series: buckets.map((b) => {
          const c = byTime.get(b.getTime()) ?? zero;
          return { t: b.toISOString(), ...pick(c), net: netSentiment(c) };
        }),
        totals: toTotals(current.get(s.id)),
        previous: toTotals(previous.get(s.id)),
        shareOfVoice: allPosts === 0 ? 0 : (current.get(s.id)?.posts ?? 0) / allPosts,
      };
    }),
  };
}

export async function scorecard(db: Kysely<Database>, q: RangeQuery, now: Date): Promise<ScorecardResponse> {
  const range = resolveRange(q, now);
  const [subjects, current, previous, authors, aspects, issues, cases] = await Promise.all([
    listSubjects(db),
    stats.subjectTotals(db, range.from, range.to),
    stats.subjectTotals(db, range.previous.from, range.previous.to),
    stats.subjectAuthors(db, range.from, range.to),
    stats.subjectAspects(db, range.from, range.to),
    stats.openIssueCounts(db),
    stats.openCaseCounts(db),
  ]);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    rows: subjects.map((s) => {
      const now = toTotals(current.get(s.id));
      const before = toTotals(previous.get(s.id));
      return {
        id: s.id,
        name: s.name,
        kind: s.kind,
        attributes: s.attributes,
        totals: now,
        previous: before,
        authors: authors.get(s.id) ?? 0,
        negativeShareTrend: now.negativeShare === null || before.negativeShare === null ? null : (now.negativeShare - before.negativeShare) * 100,
        aspects: aspects.get(s.id) ?? [],
        openIssues: issues.get(s.id) ?? 0,
        openCases: cases.get(s.id) ?? 0,
      };
    }),
  };
}

import type { Kysely } from 'kysely';
import type { IssueView } from '../../shared/api/issues';
import { bucketStarts } from '../analysis/stats';
import { issueHourlyCounts, listIssues, postsByIds, type IssueWithSubject } from '../db/repositories/issues.repository';
import type { Database, IssueStatus } from '../db/tables';

const GROWTH_HOURS = 48;

export async function issueViews(db: Kysely<Database>, f: { status?: IssueStatus; subjectId?: number; limit: number }, now: Date): Promise<IssueView[]> {
  const rows = await listIssues(db, f);
  return toIssueViews(db, rows, now);
}

export async function toIssueViews(db: Kysely<Database>, rows: IssueWithSubject[], now: Date): Promise<IssueView[]> {
  const from = new Date(now.getTime() - GROWTH_HOURS * 3_600_000);
  const hours = bucketStarts(from, now, 'hour');
  const [counts, posts] = await Promise.all([
    issueHourlyCounts(
      db,
      rows.map((r) => r.id),
      hours[0] ?? from,
      now,
    ),
    postsByIds(
      db,
      rows.flatMap((r) => r.representative_post_ids),
    ),
  ]);
  const postById = new Map(posts.map((p) => [p.id, p]));
  return rows.map((r) => ({
    id: r.id,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    label: r.label,
    keyTerms: r.key_terms,
    references: r.refs,
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    posts: r.posts,
    distinctTexts: r.distinct_texts,
    distinctAuthors: r.distinct_authors,
    status: r.status,
    severity: r.severity,
    growth: hours.map((h) => counts.get(r.id)?.get(h.getTime()) ?? 0),
    representativePosts: r.representative_post_ids
      .map((id) => postById.get(id))
      .filter((p) => p !== undefined)
      .map((p) => ({ id: p.id, text: p.text, createdAt: p.created_at.toISOString(), authorHandle: p.author_handle })),
  }));
}

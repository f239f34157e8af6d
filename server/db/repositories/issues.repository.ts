import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, IssueRow, IssueStatus } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface IssueWithSubject extends IssueRow {
  subject_name: string | null;
}

export async function listIssues(db: Db, f: { status?: IssueStatus; subjectId?: number; limit: number }): Promise<IssueWithSubject[]> {
  let q = db
    .selectFrom('issues as i')
    .leftJoin('subjects as s', 's.id', 'i.subject_id')
    .selectAll('i')
    .select('s.name as subject_name')
    .where('i.merged_into', 'is', null);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.subjectId !== undefined) q = q.where('i.subject_id', '=', f.subjectId);
  return q.orderBy('i.last_seen', 'desc').limit(f.limit).execute();
}

export async function getIssue(db: Db, id: number): Promise<IssueWithSubject | undefined> {
  return db.selectFrom('issues as i').leftJoin('subjects as s', 's.id', 'i.subject_id').selectAll('i').select('s.name as subject_name').where('i.id', '=', id).executeTakeFirst();
}

/** Posts per hour for each issue over [from, to), for growth sparklines. */
export async function issueHourlyCounts(db: Db, issueIds: number[], from: Date, to: Date): Promise<Map<number, Map<number, number>>> {
  const out = new Map<number, Map<number, number>>();
  if (issueIds.length === 0) return out;
  const r = await sql<{ issue_id: number; h: Date; n: number }>`
    select pi.issue_id, date_trunc('hour', p.created_at at time zone 'UTC') at time zone 'UTC' as h, count(*)::int as n
    from post_issues pi join posts p on p.id = pi.post_id
    where pi.issue_id = any(${issueIds}::int[]) and p.created_at >= ${from} and p.created_at < ${to} and p.deleted_at is null
    group by 1, 2`.execute(db);
  for (const row of r.rows) {
    const m = out.get(row.issue_id) ?? new Map<number, number>();
    m.set(new Date(row.h).getTime(), row.n);
    out.set(row.issue_id, m);
  }
  return out;
}

export async function postsByIds(db: Db, ids: number[]): Promise<Array<{ id: number; text: string; created_at: Date; author_handle: string | null }>> {
  if (ids.length === 0) return [];
  return db.selectFrom('posts').select(['id', 'text', 'created_at', 'author_handle']).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
}

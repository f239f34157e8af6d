import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/** Posts of an issue per UTC day since `since`. */
export async function issueDailyCounts(db: Db, issueId: number, since: Date): Promise<Array<{ day: string; posts: number }>> {
  const r = await sql<{ day: string; posts: string }>`
    select to_char(date_trunc('day', p.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*) as posts
    from post_issues pi join posts p on p.id = pi.post_id
    where pi.issue_id = ${issueId} and p.created_at >= ${since} and p.deleted_at is null
    group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({ day: x.day, posts: Number(x.posts) }));
}

/** The issue's representative posts, else its latest ones. */
export async function evidencePosts(db: Db, issueId: number, representative: number[], limit: number) {
  const base = db.selectFrom('posts').select(['id', 'text', 'author_handle', 'author_id', 'url', 'created_at', 'refs']).where('deleted_at', 'is', null);
  const picked = representative.length ? await base.where('id', 'in', representative.slice(0, limit)).execute() : [];
  if (picked.length) return picked;
  return base.where('id', 'in', (eb) => eb.selectFrom('post_issues').select('post_id').where('issue_id', '=', issueId)).orderBy('created_at', 'desc').limit(limit).execute();
}

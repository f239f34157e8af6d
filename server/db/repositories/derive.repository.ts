import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../tables';
import { saveSetting } from './settings.repository';

type Db = Kysely<Database> | Transaction<Database>;

/** Claims queued posts for grouping; rows stay locked (and skipped by other derivers) until commit. */
export async function claimQueued(trx: Transaction<Database>, limit: number): Promise<number[]> {
  const r = await sql<{ post_id: number }>`select post_id from derive_queue order by post_id limit ${limit} for update skip locked`.execute(trx);
  return r.rows.map((x) => x.post_id);
}

export async function dequeue(trx: Db, postIds: number[]): Promise<void> {
  if (postIds.length) await trx.deleteFrom('derive_queue').where('post_id', 'in', postIds).execute();
}

export async function queuedCount(db: Db): Promise<number> {
  const r = await db.selectFrom('derive_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface DerivePost {
  id: number;
  text: string;
  created_at: Date;
  author_id: string;
  source: string;
  kind: string;
  dedupe_key: string | null;
  refs: Array<{ type: string; value: string }>;
  sentiment_label: string | null;
  intent: string | null;
  deleted_at: Date | null;
  subject_ids: number[];
}

export async function postsForDerive(db: Db, ids: number[]): Promise<DerivePost[]> {
  if (ids.length === 0) return [];
  const r = await sql<DerivePost>`
    select p.id, p.text, p.created_at, p.author_id, p.source, p.kind, p.dedupe_key, p.refs, p.sentiment_label, p.intent, p.deleted_at,
      coalesce((select array_agg(ps.subject_id order by ps.subject_id) from post_subjects ps where ps.post_id = p.id), '{}') as subject_ids
    from posts p where p.id = any(${ids}::bigint[]) order by p.created_at, p.id`.execute(db);
  return r.rows;
}

/** A JSON state kept in `settings`, locked for the rest of the transaction. */
export async function loadStateForUpdate<T>(trx: Transaction<Database>, key: string): Promise<T | null> {
  const row = await trx.selectFrom('settings').select('value').where('key', '=', key).forUpdate().executeTakeFirst();
  return (row?.value as T | undefined) ?? null;
}

export async function saveState(trx: Db, key: string, value: unknown): Promise<void> {
  await saveSetting(trx, key, value);
}

export interface IssueUpsert {
  id: number;
  subjectId: number | null;
  label: string;
  labelLocked: boolean;
  keyTerms: string[];
  refs: Array<{ type: string; value: string }>;
  representativePostIds: number[];
  firstSeen: Date;
  lastSeen: Date;
  posts: number;
  distinctTexts: number;
  distinctAuthors: number;
  mergedInto: number | null;
  severity: number;
}

/** Writes issues as the grouping engine sees them; the status column stays the users'. */
export async function upsertIssues(trx: Db, issues: IssueUpsert[]): Promise<void> {
  for (const i of issues) {
    const row = {
      id: i.id,
      subject_id: i.subjectId,
      label: i.label,
      label_locked: i.labelLocked,
      key_terms: JSON.stringify(i.keyTerms),
      refs: JSON.stringify(i.refs),
      representative_post_ids: JSON.stringify(i.representativePostIds),
      first_seen: i.firstSeen,
      last_seen: i.lastSeen,
      posts: i.posts,
      distinct_texts: i.distinctTexts,
      distinct_authors: i.distinctAuthors,
      merged_into: i.mergedInto,
      severity: i.severity,
    };
    const { id: _id, ...update } = row;
    await trx
      .insertInto('issues')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...update, updated_at: new Date() }))
      .execute();
  }
}

export async function linkPostIssues(trx: Db, links: Array<{ postId: number; issueId: number }>): Promise<void> {
  if (links.length === 0) return;
  await sql`insert into post_issues (post_id, issue_id) select * from unnest(${links.map((l) => l.postId)}::bigint[], ${links.map((l) => l.issueId)}::int[]) on conflict do nothing`.execute(trx);
}

/** Moves an issue's posts to the issue it was merged into. */
export async function movePostIssues(trx: Db, fromIssue: number, toIssue: number): Promise<void> {
  await sql`insert into post_issues (post_id, issue_id) select post_id, ${toIssue} from post_issues where issue_id = ${fromIssue} on conflict do nothing`.execute(trx);
  await trx.deleteFrom('post_issues').where('issue_id', '=', fromIssue).execute();
}

/** (source, author) -> open case id, for attaching follow-up posts. */
export async function openCaseAuthors(db: Db): Promise<Map<string, number>> {
  const r = await sql<{ source: string; author_id: string; case_id: number }>`
    select distinct on (p.source, p.author_id) p.source, p.author_id, c.id as case_id
    from cases c join case_links l on l.case_id = c.id join posts p on p.id = l.post_id
    where c.status in ('new', 'open', 'waiting_customer', 'waiting_supplier')
    order by p.source, p.author_id, c.created_at desc`.execute(db);
  return new Map(r.rows.map((x) => [`${x.source}\u0000${x.author_id}`, x.case_id]));
}

export interface DetectPostRow {
  id: number;
  created_at: Date;
  author_id: string;
  source: string;
  sentiment_label: string | null;
  text: string;
  subject_id: number;
  issue_id: number | null;
}

/** Non-repost, non-deleted posts about subjects in [from, to), with their issue if grouped. */
export async function postsForDetection(db: Db, from: Date, to: Date): Promise<DetectPostRow[]> {
  const r = await sql<DetectPostRow>`
    select p.id, p.created_at, p.author_id, p.source, p.sentiment_label, p.text, ps.subject_id, pi.issue_id
    from post_subjects ps join posts p on p.id = ps.post_id
    left join post_issues pi on pi.post_id = p.id
    where ps.created_at >= ${from} and ps.created_at < ${to} and p.kind <> 'repost' and p.deleted_at is null`.execute(db);
  return r.rows;
}

export async function earliestPostTime(db: Db): Promise<Date | null> {
  const r = await db.selectFrom('post_subjects').select((eb) => eb.fn.min('created_at').as('t')).executeTakeFirst();
  return r?.t ? new Date(r.t as unknown as string) : null;
}

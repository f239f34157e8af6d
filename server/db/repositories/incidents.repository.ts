import { type Expression, type ExpressionBuilder, type Kysely, sql, type SqlBool, type Transaction } from 'kysely';
import { authorKey, likePattern, mayHideApostrophe, type IncidentPost, type Prefilter } from '../../analysis/incident';
import { mentionColumns, type MentionRow } from './mentions.repository';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Runs an incident's reads in one transaction without JIT: PostgreSQL's estimate for the repost
 * counts and a wide window crosses the JIT threshold, and compiling took a second for a query that
 * runs in tens of milliseconds (measured on 300,000 posts). One snapshot also keeps the parts consistent.
 */
export async function readIncident<T>(db: Kysely<Database>, read: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);
    return read(trx);
  });
}

function incidentsWithCreator(db: Db) {
  return db.selectFrom('incidents as i').leftJoin('users as u', 'u.id', 'i.created_by').selectAll('i').select('u.name as created_by_name');
}

export type IncidentWithCreator = NonNullable<Awaited<ReturnType<typeof getIncident>>>;

export async function getIncident(db: Db, id: number) {
  return incidentsWithCreator(db).where('i.id', '=', id).executeTakeFirst();
}

/** Open incidents first, then the newest. */
export async function listIncidents(db: Db, f: { status?: 'open' | 'closed'; limit: number }) {
  let q = incidentsWithCreator(db);
  if (f.status) q = q.where('i.status', '=', f.status);
  return q
    .orderBy(sql`i.status = 'open'`, 'desc')
    .orderBy('i.started_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(f.limit)
    .execute();
}

export async function insertIncident(db: Db, i: { name: string; query: string; startedAt: Date; createdBy: number | null; now: Date }): Promise<number> {
  const row = await db
    .insertInto('incidents')
    .values({ name: i.name, query: i.query, started_at: i.startedAt, created_by: i.createdBy, created_at: i.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Closes an open incident; false when it was not open (already closed, or absent). */
export async function closeIncident(db: Db, id: number, closedBy: number | null, at: Date): Promise<boolean> {
  const r = await db.updateTable('incidents').set({ status: 'closed', closed_at: at, closed_by: closedBy }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Adds a note only while the incident is open, in one statement, so a close racing a note wins cleanly. */
export async function insertNoteIfOpen(db: Db, incidentId: number, authorId: number | null, text: string, at: Date): Promise<boolean> {
  const r = await sql`
    insert into incident_notes (incident_id, author_id, text, created_at)
    select id, ${authorId}, ${text}, ${at} from incidents where id = ${incidentId} and status = 'open'`.execute(db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export async function listNotes(db: Db, incidentId: number) {
  return db
    .selectFrom('incident_notes as n')
    .leftJoin('users as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.author_id', 'n.text', 'n.created_at', 'u.name as author_name'])
    .where('n.incident_id', '=', incidentId)
    .orderBy('n.created_at')
    .orderBy('n.id')
    .execute();
}

/**
 * `contains` on the text, and on the text without apostrophes (the matcher reads "don't" as "dont")
 * only for the rows that have one: translate() on every row of the window doubled the cost.
 */
function containsSql(value: string): Expression<SqlBool> {
  const pattern = likePattern(value);
  if (!mayHideApostrophe(value)) return sql<SqlBool>`p.text ilike ${pattern}`;
  return sql<SqlBool>`(p.text ilike ${pattern} or (p.text ~ '[''’]' and translate(p.text, '''’', '') ilike ${pattern}))`;
}

function prefilterSql(eb: ExpressionBuilder<Database & { p: Database['posts'] }, 'p'>, f: Prefilter): Expression<SqlBool> {
  switch (f.type) {
    case 'contains':
      return containsSql(f.value);
    case 'lang':
      return eb.or([eb(sql`lower(p.lang)`, '=', f.value), eb(sql`lower(p.lang)`, 'like', `${likePattern(f.value).slice(1, -1)}-%`)]);
    case 'from':
      return eb(sql`lower(ltrim(p.author_handle, '@'))`, '=', f.value);
    case 'and':
      return eb.and(f.children.map((c) => prefilterSql(eb, c)));
    case 'or':
      return eb.or(f.children.map((c) => prefilterSql(eb, c)));
  }
}

export interface CandidatePost extends IncidentPost {
  text: string;
  lang: string | null;
}

export interface CandidateWindow {
  from: Date;
  to: Date;
  filter: Prefilter | null;
  limit: number;
}

/** The candidate query, apart so a test can check its plan. */
export function candidatesQuery(db: Db, w: CandidateWindow) {
  let q = db
    .selectFrom('posts as p')
    .select([
      'p.id',
      'p.source',
      'p.native_id',
      'p.author_id',
      'p.author_handle',
      'p.author_followers',
      'p.created_at',
      'p.kind',
      'p.repost_of_native_id',
      'p.parent_native_id',
      'p.dedupe_key',
      'p.sentiment_label',
      'p.metrics',
      'p.text',
      'p.lang',
    ])
    .where('p.created_at', '>=', w.from)
    .where('p.created_at', '<', w.to)
    .where('p.deleted_at', 'is', null);
  const filter = w.filter;
  if (filter) q = q.where((eb) => prefilterSql(eb, filter));
  return q.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(w.limit);
}

/**
 * Posts of the window that may match the incident's query (the prefilter is a superset; the caller
 * runs the matcher), newest first, at most `limit`: a range scan of posts_created_at_idx plus a
 * substring test on the rows of the window, never a scan of the whole table.
 */
export async function incidentCandidates(db: Db, w: CandidateWindow): Promise<CandidatePost[]> {
  const rows = await candidatesQuery(db, w).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    nativeId: r.native_id,
    authorId: r.author_id,
    authorHandle: r.author_handle,
    authorFollowers: r.author_followers,
    createdAt: r.created_at,
    kind: r.kind,
    repostOfNativeId: r.repost_of_native_id,
    parentNativeId: r.parent_native_id,
    dedupeKey: r.dedupe_key,
    label: r.sentiment_label,
    metrics: r.metrics,
    text: r.text,
    lang: r.lang,
  }));
}

/**
 * Which of these authors posted anything before `before`, as authorKey()s: one probe of
 * posts_author_time_idx per author.
 */
export async function authorsSeenBefore(db: Db, authors: Array<{ source: string; authorId: string }>, before: Date): Promise<Set<string>> {
  if (authors.length === 0) return new Set();
  const r = await sql<{ source: string; author_id: string }>`
    select a.source, a.author_id from unnest(${authors.map((a) => a.source)}::text[], ${authors.map((a) => a.authorId)}::text[]) as a(source, author_id)
    where exists (select 1 from posts p where p.source = a.source and p.author_id = a.author_id and p.created_at < ${before})`.execute(db);
  return new Set(r.rows.map((x) => authorKey(x.source, x.author_id)));
}

/**
 * Posts by id with their subjects, issues and repost counts (the mention stream's shape), in no
 * order: by primary key, never an ordered scan of the time index hunting for the ids.
 */
export async function postsByIds(db: Db, ids: number[]): Promise<MentionRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('posts as p')
    .selectAll('p')
    .select(mentionColumns())
    .where(sql<SqlBool>`p.id = any(${ids}::bigint[])`)
    .execute();
  return rows as MentionRow[];
}

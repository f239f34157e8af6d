import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { CaseStatus, Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

const OPEN: CaseStatus[] = ['new', 'open', 'waiting_customer', 'waiting_supplier'];

function casesWithSubject(db: Db) {
  return db
    .selectFrom('cases as c')
    .leftJoin('subjects as s', 's.id', 'c.subject_id')
    .leftJoin('users as a', 'a.id', 'c.assignee_id')
    .selectAll('c')
    .select(['s.name as subject_name', 'a.name as assignee_name']);
}

export type CaseRow = Awaited<ReturnType<typeof getCase>> & object;

export async function getCase(db: Db, id: number) {
  return casesWithSubject(db).where('c.id', '=', id).executeTakeFirst();
}

/** `assigneeId: null` lists the unassigned cases. */
export async function listCases(db: Db, f: { status?: CaseStatus; open?: boolean; subjectId?: number; assigneeId?: number | null; kind?: 'customer' | 'supplier'; limit: number }) {
  let q = casesWithSubject(db);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.open !== undefined) q = q.where('c.status', f.open ? 'in' : 'not in', OPEN);
  if (f.subjectId !== undefined) q = q.where('c.subject_id', '=', f.subjectId);
  if (f.assigneeId === null) q = q.where('c.assignee_id', 'is', null);
  else if (f.assigneeId !== undefined) q = q.where('c.assignee_id', '=', f.assigneeId);
  if (f.kind) q = q.where('c.kind', '=', f.kind);
  return q.orderBy('c.created_at', 'desc').limit(f.limit).execute();
}

export async function insertCase(db: Db, c: Insertable<Database['cases']>) {
  return db.insertInto('cases').values(c).returning('id').executeTakeFirstOrThrow();
}

export async function linkCase(db: Db, caseId: number, links: { postIds?: number[]; recordIds?: number[] }): Promise<void> {
  const rows = [...(links.postIds ?? []).map((post_id) => ({ case_id: caseId, post_id, record_id: null })), ...(links.recordIds ?? []).map((record_id) => ({ case_id: caseId, post_id: null, record_id }))];
  if (rows.length === 0) return;
  // A post or record linked twice to the same case is linked once.
  const existing = await db.selectFrom('case_links').select(['post_id', 'record_id']).where('case_id', '=', caseId).execute();
  const key = (r: { post_id: number | null; record_id: number | null }) => `${r.post_id}:${r.record_id}`;
  const have = new Set(existing.map(key));
  const fresh = rows.filter((r) => !have.has(key(r)));
  if (fresh.length) await db.insertInto('case_links').values(fresh).execute();
}

export async function caseLinks(db: Db, caseId: number) {
  return db.selectFrom('case_links').select(['post_id', 'record_id']).where('case_id', '=', caseId).orderBy('created_at').execute();
}

export async function addCaseEvent(db: Db, caseId: number, type: string, actorId: number | null, details: Record<string, unknown>, at: Date): Promise<void> {
  await db.insertInto('case_events').values({ case_id: caseId, type, actor_id: actorId, details: JSON.stringify(details), at }).execute();
}

/** A case's timeline, oldest first, with the name of whoever did each thing (null: Earshot itself). */
export async function caseEvents(db: Db, caseId: number) {
  return db
    .selectFrom('case_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .selectAll('e')
    .select('u.name as actor_name')
    .where('e.case_id', '=', caseId)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
}

export async function updateCase(db: Db, id: number, patch: Updateable<Database['cases']>) {
  return db
    .updateTable('cases')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** The open case a follow-up post from the same author on the same network belongs to, if any. */
export async function openCaseForAuthor(db: Db, source: string, authorId: string): Promise<number | null> {
  const r = await sql<{ id: number }>`
    select c.id from cases c join case_links l on l.case_id = c.id join posts p on p.id = l.post_id
    where p.source = ${source} and p.author_id = ${authorId} and c.status in ('new', 'open', 'waiting_customer', 'waiting_supplier')
    order by c.created_at desc limit 1`.execute(db);
  return r.rows[0]?.id ?? null;
}

/** Every case, for metrics (the open ones and those closed in the range). */
export async function casesForMetrics(db: Db, since: Date) {
  return db
    .selectFrom('cases as c')
    .leftJoin('subjects as s', 's.id', 'c.subject_id')
    .leftJoin('issues as i', 'i.id', 'c.issue_id')
    .leftJoin('users as u', 'u.id', 'c.assignee_id')
    .select(['c.id', 'c.status', 'c.subject_id', 's.name as subject_name', 'c.issue_id', 'i.label as issue_label', 'c.assignee_id', 'u.name as assignee_name', 'c.created_at', 'c.first_response_due', 'c.first_responded_at', 'c.resolution_due', 'c.resolved_at'])
    .where((eb) => eb.or([eb('c.status', 'in', OPEN), eb('c.created_at', '>=', since)]))
    .execute();
}

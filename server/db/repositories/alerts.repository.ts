import type { Kysely, Transaction } from 'kysely';
import type { AlertRow, Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface AlertWithNames extends AlertRow {
  subject_name: string | null;
  issue_label: string | null;
}

function alertsWithNames(db: Db) {
  return db
    .selectFrom('alerts as a')
    .leftJoin('subjects as s', 's.id', 'a.subject_id')
    .leftJoin('issues as i', 'i.id', 'a.issue_id')
    .selectAll('a')
    .select(['s.name as subject_name', 'i.label as issue_label']);
}

export async function getAlert(db: Db, id: number): Promise<AlertWithNames | undefined> {
  return alertsWithNames(db).where('a.id', '=', id).executeTakeFirst();
}

export async function listAlerts(db: Db, f: { status?: AlertRow['status']; subjectId?: number; limit: number }): Promise<AlertWithNames[]> {
  let q = alertsWithNames(db);
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.subjectId !== undefined) q = q.where('a.subject_id', '=', f.subjectId);
  return q.orderBy('a.updated_at', 'desc').limit(f.limit).execute();
}

export async function setAlertStatus(db: Db, id: number, status: 'acknowledged' | 'resolved', now: Date): Promise<AlertRow | undefined> {
  return db
    .updateTable('alerts')
    .set({ status, updated_at: now, ...(status === 'resolved' ? { resolved_at: now } : {}) })
    .where('id', '=', id)
    .where('status', '<>', 'resolved')
    .returningAll()
    .executeTakeFirst();
}

export interface AlertWrite {
  kind: AlertRow['kind'];
  conditionKey: string;
  subjectId: number | null;
  issueId: number | null;
  source: string | null;
  windowStart: Date;
  windowEnd: Date;
  expected: number;
  observed: number;
  severity: AlertRow['severity'];
  why: Record<string, unknown>;
  at: Date;
}

/** Opens an alert, or updates the open one for the same condition (one open alert per condition). */
export async function openOrUpdateAlert(db: Db, a: AlertWrite): Promise<AlertRow> {
  const existing = await db.selectFrom('alerts').select('id').where('condition_key', '=', a.conditionKey).where('status', '<>', 'resolved').executeTakeFirst();
  const values = {
    window_start: a.windowStart,
    window_end: a.windowEnd,
    expected: a.expected,
    observed: a.observed,
    severity: a.severity,
    why: JSON.stringify(a.why),
    updated_at: a.at,
  };
  if (existing) return db.updateTable('alerts').set(values).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
  return db
    .insertInto('alerts')
    .values({ ...values, kind: a.kind, condition_key: a.conditionKey, subject_id: a.subjectId, issue_id: a.issueId, source: a.source, opened_at: a.at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Updates the open alert for a condition; none when a person has resolved it meanwhile. */
export async function updateOpenAlert(db: Db, a: AlertWrite): Promise<AlertRow | undefined> {
  return db
    .updateTable('alerts')
    .set({ window_end: a.windowEnd, expected: a.expected, observed: a.observed, severity: a.severity, why: JSON.stringify(a.why), updated_at: a.at })
    .where('condition_key', '=', a.conditionKey)
    .where('status', '<>', 'resolved')
    .returningAll()
    .executeTakeFirst();
}

export async function resolveOpenAlert(db: Db, conditionKey: string, at: Date): Promise<AlertRow | undefined> {
  return db
    .updateTable('alerts')
    .set({ status: 'resolved', resolved_at: at, updated_at: at })
    .where('condition_key', '=', conditionKey)
    .where('status', '<>', 'resolved')
    .returningAll()
    .executeTakeFirst();
}

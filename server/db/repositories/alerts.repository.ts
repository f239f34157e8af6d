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

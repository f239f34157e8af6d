import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;
export type AuditRow = Selectable<Database['audit_log']>;

export interface NewAuditEntry {
  at: Date;
  actorId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export async function insertAudit(db: Db, e: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ at: e.at, actor_id: e.actorId, action: e.action, target_type: e.targetType, target_id: e.targetId, details: JSON.stringify(e.details), ip: e.ip })
    .execute();
}

export interface AuditFilter {
  limit: number;
  /** Keyset paging: entries with a smaller id. */
  before?: number;
  action?: string;
  actorId?: number;
}

export async function listAudit(db: Db, f: AuditFilter): Promise<Array<AuditRow & { actor_email: string | null }>> {
  let q = db.selectFrom('audit_log').leftJoin('users', 'users.id', 'audit_log.actor_id').selectAll('audit_log').select('users.email as actor_email');
  if (f.before !== undefined) q = q.where('audit_log.id', '<', f.before);
  if (f.action !== undefined) q = q.where('audit_log.action', '=', f.action);
  if (f.actorId !== undefined) q = q.where('audit_log.actor_id', '=', f.actorId);
  return q.orderBy('audit_log.id', 'desc').limit(f.limit).execute();
}

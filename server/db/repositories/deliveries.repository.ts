import { sql, type Kysely, type Transaction } from 'kysely';
import type { AlertTargetInput } from '../../../shared/api/targets';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

const TARGETS_KEY = 'alert_targets';

export async function loadTargets(db: Db): Promise<AlertTargetInput[]> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', TARGETS_KEY).executeTakeFirst();
  return (row?.value as AlertTargetInput[] | undefined) ?? [];
}

export async function saveTargets(db: Db, targets: AlertTargetInput[]): Promise<void> {
  const json = JSON.stringify(targets);
  await db
    .insertInto('settings')
    .values({ key: TARGETS_KEY, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}

export async function enqueueDeliveries(db: Db, alertId: number, targetIds: string[], at: Date): Promise<void> {
  if (targetIds.length === 0) return;
  await db
    .insertInto('alert_deliveries')
    .values(targetIds.map((target) => ({ alert_id: alertId, target, status: 'pending' as const, next_attempt_at: at, updated_at: at })))
    .execute();
}

/**
 * Leases due deliveries: their next attempt moves `leaseMs` ahead, so another worker (or this one
 * after a crash) retries them only if this attempt never reports back.
 */
export async function leaseDueDeliveries(db: Kysely<Database>, now: Date, leaseMs: number, limit: number) {
  return db.transaction().execute(async (trx) => {
    const due = await sql<{ id: number; alert_id: number; target: string; attempts: number }>`
      select id, alert_id, target, attempts from alert_deliveries
      where status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at limit ${limit} for update skip locked`.execute(trx);
    if (due.rows.length) {
      await trx
        .updateTable('alert_deliveries')
        .set({ next_attempt_at: new Date(now.getTime() + leaseMs) })
        .where(
          'id',
          'in',
          due.rows.map((r) => r.id),
        )
        .execute();
    }
    return due.rows;
  });
}

export async function recordDelivery(db: Db, id: number, outcome: { status: 'sent' | 'pending' | 'failed'; attempts: number; nextAttemptAt: Date | null; error: string | null; at: Date }): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set({ status: outcome.status, attempts: outcome.attempts, next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error, updated_at: outcome.at })
    .where('id', '=', id)
    .execute();
}

export async function hasSentBefore(db: Db, alertId: number, target: string, beforeId: number): Promise<boolean> {
  const r = await db.selectFrom('alert_deliveries').select('id').where('alert_id', '=', alertId).where('target', '=', target).where('status', '=', 'sent').where('id', '<', beforeId).executeTakeFirst();
  return r !== undefined;
}

export async function deliveriesForAlert(db: Db, alertId: number) {
  return db.selectFrom('alert_deliveries').selectAll().where('alert_id', '=', alertId).orderBy('id').execute();
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/** The event type a supplier's acknowledgement is recorded as on a case's timeline. */
export const SUPPLIER_ACK_EVENT = 'supplier_acknowledged';

/** The latest acknowledgement per case, for the supplier's list. */
export async function latestAcknowledgements(db: Db, caseIds: number[]): Promise<Map<number, Date>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('case_events')
    .select(['case_id', (eb) => eb.fn.max('at').as('at')])
    .where('type', '=', SUPPLIER_ACK_EVENT)
    .where('case_id', 'in', caseIds)
    .groupBy('case_id')
    .execute();
  return new Map(rows.map((r) => [r.case_id, new Date(r.at)]));
}

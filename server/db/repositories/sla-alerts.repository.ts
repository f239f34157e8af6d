import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface SlaCaseRow {
  id: number;
  title: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: string;
  subject_id: number | null;
  issue_id: number | null;
  created_at: Date;
  first_response_due: Date | null;
  first_responded_at: Date | null;
  resolution_due: Date | null;
  resolved_at: Date | null;
}

const COLUMNS = sql`c.id, c.title, c.priority, c.status, c.subject_id, c.issue_id, c.created_at, c.first_response_due, c.first_responded_at, c.resolution_due, c.resolved_at`;
const alerted = (clock: string) => sql<boolean>`exists (select 1 from alerts a where a.condition_key = 'sla:' || c.id || ${`:${clock}`})`;

export type PastDueRow = SlaCaseRow & { first_response_alerted: boolean; resolution_alerted: boolean };

/**
 * Open cases with a clock past due that never had a breach alert for that clock (any status: an
 * alert a person resolved by hand is not raised again).
 */
export async function casesPastDueWithoutAlert(db: Db, now: Date): Promise<PastDueRow[]> {
  const r = await sql<PastDueRow>`
    select * from (
      select ${COLUMNS}, ${alerted('first_response')} as first_response_alerted, ${alerted('resolution')} as resolution_alerted
      from cases c
      where c.status in ('new', 'open', 'waiting_customer', 'waiting_supplier')
        and ((c.first_response_due < ${now} and c.first_responded_at is null) or (c.resolution_due < ${now} and c.resolved_at is null))
    ) due
    where (due.first_response_due < ${now} and due.first_responded_at is null and not due.first_response_alerted)
      or (due.resolution_due < ${now} and due.resolved_at is null and not due.resolution_alerted)
    order by due.id`.execute(db);
  return r.rows;
}

/** Condition keys of the breach alerts still open or acknowledged. */
export async function unresolvedSlaAlertKeys(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('alerts').select('condition_key').where('kind', '=', 'sla_breach').where('status', '<>', 'resolved').execute();
  return rows.map((r) => r.condition_key);
}

export async function slaCases(db: Db, ids: number[]): Promise<SlaCaseRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<SlaCaseRow>`select ${COLUMNS} from cases c where c.id = any(${ids}::int[]) order by c.id`.execute(db);
  return r.rows;
}

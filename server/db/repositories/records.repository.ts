import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface RecordInput {
  type: string;
  externalId: string;
  status: string | null;
  party: string | null;
  occurredAt: Date | null;
  fields: Record<string, unknown>;
}

/** Inserts or refreshes records (same type and id: the newer import wins). Returns how many were written. */
export async function upsertRecords(db: Db, records: RecordInput[]): Promise<number> {
  if (records.length === 0) return 0;
  const r = await sql`
    insert into records (type, external_id, status, party, occurred_at, fields)
    select * from unnest(${records.map((x) => x.type)}::text[], ${records.map((x) => x.externalId)}::text[],
      ${records.map((x) => x.status)}::text[], ${records.map((x) => x.party)}::text[],
      ${records.map((x) => x.occurredAt?.toISOString() ?? null)}::timestamptz[], ${records.map((x) => JSON.stringify(x.fields))}::jsonb[])
    on conflict (type, external_id) do update set status = excluded.status, party = excluded.party,
      occurred_at = excluded.occurred_at, fields = excluded.fields, imported_at = now()`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Records whose id equals one of the values, case-insensitively (the quoted reference decides, not the type). */
export async function findRecordsByValues(db: Db, values: string[]) {
  if (values.length === 0) return [];
  return db
    .selectFrom('records')
    .selectAll()
    .where(sql<string>`upper(external_id)`, 'in', values.map((v) => v.toUpperCase()))
    .execute();
}

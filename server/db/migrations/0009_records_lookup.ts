import { type Kysely, sql } from 'kysely';

// References quoted in posts ("order #48213", "inv-2026-0193") match records case-insensitively.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index records_external_id_upper_idx on records (upper(external_id))`.execute(db);
  await sql`create index cases_author_open_idx on cases (status) where status not in ('resolved', 'closed')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index cases_author_open_idx`.execute(db);
  await sql`drop index records_external_id_upper_idx`.execute(db);
}

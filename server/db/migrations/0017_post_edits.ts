import { type Kysely, sql } from 'kysely';

// An edit at the network replaces a stored post's text and analysis; this is the network's time of
// the version stored (null: never edited), so an edit replayed after a resume, or arriving late
// behind a newer one, changes nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table posts add column edited_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table posts drop column edited_at`.execute(db);
}

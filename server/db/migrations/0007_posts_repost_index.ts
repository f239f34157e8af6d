import { type Kysely, sql } from 'kysely';

// Reposts are collapsed under their original: counting them per original needs this lookup.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index posts_repost_of_idx on posts (source, repost_of_native_id) where repost_of_native_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index posts_repost_of_idx`.execute(db);
}

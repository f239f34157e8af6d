import { type Kysely, sql } from 'kysely';

// Replies go out exactly once: a send claims the row (status 'sending', an idempotency key, the
// time) before the network call. 'unconfirmed' is a send whose outcome nobody knows (the process
// died or the network failed mid-call on a network without idempotency): a person checks it.
// reply_accounts holds the account each network's replies are posted from, its credentials sealed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table replies drop constraint if exists replies_status_check`.execute(db);
  await sql`alter table replies add constraint replies_status_check check (status in ('draft', 'submitted', 'approved', 'rejected', 'sending', 'sent', 'failed', 'unconfirmed'))`.execute(db);
  await db.schema
    .alterTable('replies')
    .addColumn('needs_approval', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('in_reply_to', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sending_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('replies_case_idx').on('replies').columns(['case_id', 'created_at']).execute();
  await db.schema.createIndex('replies_sending_idx').on('replies').column('status').where(sql.ref('status'), 'in', ['sending']).execute();

  await db.schema
    .createTable('reply_accounts')
    .addColumn('network', 'text', (c) => c.primaryKey().check(sql`network in ('x', 'bluesky', 'mastodon')`))
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text')
    .addColumn('max_characters', 'integer')
    // AES-256-GCM sealed JSON of the network's credentials; never returned by the API.
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reply_accounts').execute();
  await db.schema.dropIndex('replies_sending_idx').execute();
  await db.schema.dropIndex('replies_case_idx').execute();
  await db.schema.alterTable('replies').dropColumn('needs_approval').dropColumn('in_reply_to').dropColumn('attempts').dropColumn('sending_at').dropColumn('sent_at').execute();
  await sql`alter table replies drop constraint if exists replies_status_check`.execute(db);
  await sql`alter table replies add constraint replies_status_check check (status in ('draft', 'submitted', 'approved', 'rejected', 'sending', 'sent', 'failed'))`.execute(db);
}

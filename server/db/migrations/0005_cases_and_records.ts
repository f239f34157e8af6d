import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('records')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('party', 'text')
    .addColumn('occurred_at', 'timestamptz')
    .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('records_type_external_id_key').on('records').columns(['type', 'external_id']).unique().execute();
  await db.schema.createIndex('records_external_id_idx').on('records').column('external_id').execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('customer').check(sql`kind in ('customer', 'supplier')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.references('subjects.id').onDelete('set null'))
    .addColumn('issue_id', 'integer', (c) => c.references('issues.id').onDelete('set null'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('new')
        .check(sql`status in ('new', 'open', 'waiting_customer', 'waiting_supplier', 'resolved', 'closed')`),
    )
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal').check(sql`priority in ('low', 'normal', 'high', 'urgent')`))
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('queue', 'text')
    .addColumn('tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('first_response_due', 'timestamptz')
    .addColumn('resolution_due', 'timestamptz')
    .addColumn('first_responded_at', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cases_status_idx').on('cases').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('case_links')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('record_id', 'integer', (c) => c.references('records.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('case_links_case_idx').on('case_links').column('case_id').execute();
  await db.schema.createIndex('case_links_post_idx').on('case_links').column('post_id').execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'integer')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'at']).execute();

  await db.schema
    .createTable('replies')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(sql`status in ('draft', 'submitted', 'approved', 'rejected', 'sending', 'sent', 'failed')`),
    )
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('approver_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('review_note', 'text')
    // Written before a send, so a retried request or a crash mid-send never posts twice.
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('sent_native_id', 'text')
    .addColumn('sent_url', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replies').execute();
  await db.schema.dropTable('case_events').execute();
  await db.schema.dropTable('case_links').execute();
  await db.schema.dropTable('cases').execute();
  await db.schema.dropTable('records').execute();
}

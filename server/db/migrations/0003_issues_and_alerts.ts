import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('issues')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('subject_id', 'integer', (c) => c.references('subjects.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('label_locked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('key_terms', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('refs', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('representative_post_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull())
    .addColumn('posts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('distinct_texts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('distinct_authors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('new').check(sql`status in ('new', 'watching', 'acknowledged', 'resolved')`),
    )
    .addColumn('severity', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('merged_into', 'integer', (c) => c.references('issues.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('issues_subject_last_seen_idx').on('issues').columns(['subject_id', 'last_seen']).execute();

  await db.schema
    .createTable('post_issues')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('post_issues_pkey', ['issue_id', 'post_id'])
    .execute();
  await db.schema.createIndex('post_issues_post_idx').on('post_issues').column('post_id').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('volume_spike', 'negative_share', 'issue_emerging', 'issue_accelerating', 'source_silent', 'sla_breach')`),
    )
    .addColumn('subject_id', 'integer', (c) => c.references('subjects.id').onDelete('cascade'))
    .addColumn('issue_id', 'integer', (c) => c.references('issues.id').onDelete('set null'))
    .addColumn('source', 'text')
    .addColumn('condition_key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('expected', 'double precision', (c) => c.notNull())
    .addColumn('observed', 'double precision', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('info', 'warning', 'critical')`))
    .addColumn('why', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'acknowledged', 'resolved')`))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  // One open alert per condition: a growing spike updates its alert instead of raising another.
  await sql`create unique index alerts_open_condition_key on alerts (condition_key) where status <> 'resolved'`.execute(db);
  await db.schema.createIndex('alerts_opened_at_idx').on('alerts').column('opened_at').execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_deliveries').execute();
  await db.schema.dropTable('alerts').execute();
  await db.schema.dropTable('post_issues').execute();
  await db.schema.dropTable('issues').execute();
}

import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: Kysely<any>, no imports from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subjects')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('company', 'supplier', 'product')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('aliases', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('handles', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('sensitivity', 'text', (c) => c.notNull().defaultTo('normal').check(sql`sensitivity in ('low', 'normal', 'high')`))
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('subjects_name_key').on('subjects').column('name').unique().execute();

  await db.schema
    .createTable('posts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('native_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_handle', 'text')
    .addColumn('author_name', 'text')
    .addColumn('author_followers', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ingested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('original', 'reply', 'quote', 'repost')`))
    .addColumn('parent_native_id', 'text')
    .addColumn('repost_of_native_id', 'text')
    .addColumn('metrics', 'jsonb')
    .addColumn('dedupe_key', 'text')
    .addColumn('sentiment_score', 'real')
    .addColumn('sentiment_label', 'text')
    .addColumn('sentiment_confidence', 'real')
    .addColumn('aspects', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('intent', 'text')
    .addColumn('rationale', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('refs', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  // The natural key: every insert is ON CONFLICT (source, native_id) DO NOTHING.
  await db.schema.createIndex('posts_source_native_id_key').on('posts').columns(['source', 'native_id']).unique().execute();
  await db.schema.createIndex('posts_created_at_idx').on('posts').column('created_at').execute();

  await db.schema
    .createTable('post_subjects')
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    // Denormalised so a subject's mention stream is one index range scan.
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_subjects_pkey', ['subject_id', 'post_id'])
    .execute();
  await db.schema.createIndex('post_subjects_subject_time_idx').on('post_subjects').columns(['subject_id', 'created_at']).execute();
  await db.schema.createIndex('post_subjects_post_idx').on('post_subjects').column('post_id').execute();

  await db.schema
    .createTable('label_corrections')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull().check(sql`label in ('positive', 'neutral', 'negative')`))
    .addColumn('previous_label', 'text')
    .addColumn('user_id', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('label_corrections_post_idx').on('label_corrections').column('post_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('label_corrections').execute();
  await db.schema.dropTable('post_subjects').execute();
  await db.schema.dropTable('posts').execute();
  await db.schema.dropTable('subjects').execute();
}

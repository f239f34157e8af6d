import type { Kysely } from 'kysely';

// Distinct authors over long ranges: a HyperLogLog sketch per subject and UTC day (4 KiB each).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rollup_author_days')
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('day', 'timestamptz', (c) => c.notNull())
    .addColumn('sketch', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_author_days_pkey', ['subject_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rollup_author_days').execute();
}

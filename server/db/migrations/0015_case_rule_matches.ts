import { type Kysely, sql } from 'kysely';

// One row per (case rule, post or issue) the rule has opened a case for. The primary key is what
// keeps a rule from opening a second case for the same target when derive runs twice or two
// derive processes see the same issue at once; the row outlives a deleted case, so a rule never
// reopens what a person closed and removed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_rule_matches')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('case_rule_matches_pkey', ['rule_id', 'target'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_rule_matches').execute();
}

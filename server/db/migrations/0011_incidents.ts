import { type Kysely, sql } from 'kysely';

// Incident mode (war room): an incident is a query watched from a start time until it is closed;
// closed incidents stay as the record, with the team's notes. New vs repeat voices asks "did this
// author post before the start?" for every author of the incident: the author index answers that
// with one probe per author instead of a scan of the whole history.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'closed')`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('closed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('incidents_status_started_idx').on('incidents').columns(['status', 'started_at']).execute();

  await db.schema
    .createTable('incident_notes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('incident_notes_incident_idx').on('incident_notes').columns(['incident_id', 'created_at']).execute();

  await sql`create index posts_author_time_idx on posts (source, author_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index posts_author_time_idx`.execute(db);
  await db.schema.dropTable('incident_notes').execute();
  await db.schema.dropTable('incidents').execute();
}

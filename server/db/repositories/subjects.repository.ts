import type { Kysely, Transaction } from 'kysely';
import type { Database, SubjectRow } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface SubjectInput {
  kind: SubjectRow['kind'];
  name: string;
  query: string;
  aliases?: string[];
  handles?: string[];
  attributes?: Record<string, string>;
  sensitivity?: SubjectRow['sensitivity'];
}

export async function insertSubject(db: Db, s: SubjectInput): Promise<SubjectRow> {
  return db
    .insertInto('subjects')
    .values({
      kind: s.kind,
      name: s.name,
      query: s.query,
      aliases: JSON.stringify(s.aliases ?? []),
      handles: JSON.stringify(s.handles ?? []),
      attributes: JSON.stringify(s.attributes ?? {}),
      sensitivity: s.sensitivity,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateSubject(db: Db, id: number, s: Partial<SubjectInput>): Promise<SubjectRow | undefined> {
  return db
    .updateTable('subjects')
    .set({
      ...(s.kind ? { kind: s.kind } : {}),
      ...(s.name ? { name: s.name } : {}),
      ...(s.query ? { query: s.query } : {}),
      ...(s.aliases ? { aliases: JSON.stringify(s.aliases) } : {}),
      ...(s.handles ? { handles: JSON.stringify(s.handles) } : {}),
      ...(s.attributes ? { attributes: JSON.stringify(s.attributes) } : {}),
      ...(s.sensitivity ? { sensitivity: s.sensitivity } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function archiveSubject(db: Db, id: number): Promise<boolean> {
  const r = await db.updateTable('subjects').set({ archived: true, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function listSubjects(db: Db, options: { includeArchived?: boolean } = {}): Promise<SubjectRow[]> {
  let q = db.selectFrom('subjects').selectAll().orderBy('kind').orderBy('name');
  if (!options.includeArchived) q = q.where('archived', '=', false);
  return q.execute();
}

export async function getSubject(db: Db, id: number): Promise<SubjectRow | undefined> {
  return db.selectFrom('subjects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countSubjects(db: Db): Promise<number> {
  const r = await db.selectFrom('subjects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

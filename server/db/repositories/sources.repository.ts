import type { Kysely, Transaction } from 'kysely';
import type { Cursor } from '../../sources/source';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export async function loadCursor(db: Db, sourceId: string): Promise<Cursor> {
  const row = await db.selectFrom('source_state').select('cursor').where('id', '=', sourceId).executeTakeFirst();
  return (row?.cursor as Cursor | undefined) ?? null;
}

/** Saves a source's cursor; called inside the transaction that stores the posts it covers. */
export async function saveCursor(db: Db, sourceId: string, kind: string, cursor: Cursor, postsAdded: number): Promise<void> {
  const json = cursor === null ? null : JSON.stringify(cursor);
  await db
    .insertInto('source_state')
    .values({ id: sourceId, kind, cursor: json, posts_ingested: postsAdded })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        cursor: json,
        posts_ingested: eb('source_state.posts_ingested', '+', postsAdded),
        updated_at: new Date(),
      })),
    )
    .execute();
}

export async function saveHealth(db: Db, sourceId: string, kind: string, health: Record<string, unknown>): Promise<void> {
  const json = JSON.stringify(health);
  await db
    .insertInto('source_state')
    .values({ id: sourceId, kind, health: json })
    .onConflict((oc) => oc.column('id').doUpdateSet({ health: json, updated_at: new Date() }))
    .execute();
}

import type { Kysely, Transaction } from 'kysely';
import type { Cursor } from '../../sources/source';
import type { Database, SourceStateRow } from '../tables';

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

export type ConfiguredSourceRow = Pick<SourceStateRow, 'id' | 'kind' | 'config' | 'secrets' | 'paused' | 'posts_ingested' | 'created_at' | 'cursor'>;

/** Sources users configured (Settings → Sources): rows whose kind is one of `kinds`. */
export async function listConfiguredSources(db: Db, kinds: readonly string[]): Promise<ConfiguredSourceRow[]> {
  if (kinds.length === 0) return [];
  return db
    .selectFrom('source_state')
    .select(['id', 'kind', 'config', 'secrets', 'paused', 'posts_ingested', 'created_at', 'cursor'])
    .where('kind', 'in', kinds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function getConfiguredSource(db: Db, id: string): Promise<ConfiguredSourceRow | undefined> {
  return db.selectFrom('source_state').select(['id', 'kind', 'config', 'secrets', 'paused', 'posts_ingested', 'created_at', 'cursor']).where('id', '=', id).executeTakeFirst();
}

/** Inserts a configured source; false when the id is taken. */
export async function insertConfiguredSource(db: Db, s: { id: string; kind: string; config: Record<string, unknown>; secrets: string | null }): Promise<boolean> {
  const rows = await db
    .insertInto('source_state')
    .values({ id: s.id, kind: s.kind, config: JSON.stringify(s.config), secrets: s.secrets })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

export async function setSourcePaused(db: Db, id: string, paused: boolean): Promise<boolean> {
  const r = await db.updateTable('source_state').set({ paused, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Forgets a source's configuration, credentials and cursor; the posts it stored stay. */
export async function deleteConfiguredSource(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('source_state').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/** A JSON value kept in `settings` under `key`, or null. */
export async function loadSetting<T>(db: Db, key: string): Promise<T | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return (row?.value as T | undefined) ?? null;
}

export async function saveSetting(db: Db, key: string, value: unknown, now: Date = new Date()): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now }))
    .execute();
}

import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { GroupFilter, SubjectGroup } from '../../../shared/api/groups';
import type { Database } from '../tables';
import { loadSetting, saveSetting } from './settings.repository';

type Db = Kysely<Database>;
const KEY = 'subject-groups';

/** Saved groups are few (tens): one JSON value in `settings`, changed under a row lock. */
export async function listGroups(db: Db | Transaction<Database>): Promise<SubjectGroup[]> {
  return (await loadSetting<SubjectGroup[]>(db, KEY)) ?? [];
}

export async function addGroup(db: Db, g: { name: string; filter: GroupFilter; createdBy: string | null; now: Date }): Promise<SubjectGroup | 'duplicate'> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('settings').select('key').where('key', '=', KEY).forUpdate().execute();
    const groups = await listGroups(trx);
    if (groups.some((x) => x.name.toLowerCase() === g.name.toLowerCase())) return 'duplicate';
    const group: SubjectGroup = { id: randomUUID(), name: g.name, filter: g.filter, createdBy: g.createdBy, createdAt: g.now.toISOString() };
    await saveSetting(trx, KEY, [...groups, group]);
    return group;
  });
}

export async function deleteGroup(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('settings').select('key').where('key', '=', KEY).forUpdate().execute();
    const groups = await listGroups(trx);
    const left = groups.filter((x) => x.id !== id);
    if (left.length === groups.length) return false;
    await saveSetting(trx, KEY, left);
    return true;
  });
}

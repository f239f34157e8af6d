import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Database, ReplyStatus } from '../tables';
import { loadSetting, saveSetting } from './settings.repository';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertReply(db: Db, r: Insertable<Database['replies']>) {
  return db.insertInto('replies').values(r).returningAll().executeTakeFirstOrThrow();
}

export async function getReply(db: Db, id: number) {
  return db.selectFrom('replies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function repliesForCase(db: Db, caseId: number) {
  return db.selectFrom('replies').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}

/** Updates a reply only while it is in one of `from`: the step's guard against a concurrent one. */
export async function moveReply(db: Db, id: number, from: readonly ReplyStatus[], patch: Updateable<Database['replies']>) {
  return db.updateTable('replies').set(patch).where('id', '=', id).where('status', 'in', [...from]).returningAll().executeTakeFirst();
}

/**
 * Claims a reply for sending: one UPDATE, so of any number of concurrent requests exactly one
 * gets the row back. The key is kept from an earlier attempt, so every retry of a reply uses one.
 */
export async function claimForSending(db: Db, id: number, from: readonly ReplyStatus[], key: string, now: Date) {
  return db
    .updateTable('replies')
    .set((eb) => ({
      status: 'sending',
      idempotency_key: eb.fn.coalesce('idempotency_key', eb.val(key)),
      sending_at: eb.fn.coalesce('sending_at', eb.val(now)),
      attempts: eb('attempts', '+', 1),
      last_error: null,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
}

/** Sends whose outcome is open: claimed before `before` and never settled, or left unconfirmed. */
export async function unsettledReplies(db: Db, before: Date) {
  return db
    .selectFrom('replies')
    .selectAll()
    .where((eb) => eb.or([eb.and([eb('status', '=', 'sending'), eb('updated_at', '<=', before)]), eb('status', '=', 'unconfirmed')]))
    .orderBy('id')
    .execute();
}

export async function openAlertsForIssue(db: Db, issueId: number | null): Promise<number> {
  if (issueId === null) return 0;
  const r = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<string>().as('n')).where('issue_id', '=', issueId).where('status', '=', 'open').executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function getSetting<T>(db: Db, key: string): Promise<T | undefined> {
  return (await loadSetting<T>(db, key)) ?? undefined;
}

export async function putSetting(db: Db, key: string, value: unknown, now: Date): Promise<void> {
  await saveSetting(db, key, value, now);
}

export async function listReplyAccounts(db: Db) {
  return db.selectFrom('reply_accounts').selectAll().orderBy('network').execute();
}

export async function getReplyAccount(db: Db, network: string) {
  return db.selectFrom('reply_accounts').selectAll().where('network', '=', network as 'x').executeTakeFirst();
}

export async function upsertReplyAccount(db: Db, a: Insertable<Database['reply_accounts']>) {
  return db
    .insertInto('reply_accounts')
    .values(a)
    .onConflict((oc) => oc.column('network').doUpdateSet({ handle: a.handle, base_url: a.base_url, max_characters: a.max_characters, secrets: a.secrets, updated_by: a.updated_by, updated_at: a.updated_at }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteReplyAccount(db: Db, network: string): Promise<boolean> {
  const r = await db.deleteFrom('reply_accounts').where('network', '=', network as 'x').executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, Role } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;
export type TokenRow = Selectable<Database['api_tokens']>;

export interface TokenWithUser extends TokenRow {
  email: string;
  user_name: string;
  role: Role;
  supplier_subject_id: number | null;
  disabled_at: Date | null;
}

export async function insertToken(db: Db, t: { userId: number; name: string; scope: string; tokenHash: string; now: Date }): Promise<TokenRow> {
  return db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, scope: t.scope, token_hash: t.tokenHash, created_at: t.now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live token by its hash, with its owner (revoked tokens are not found). */
export async function findActiveToken(db: Db, tokenHash: string): Promise<TokenWithUser | undefined> {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('api_tokens')
    .select(['users.email', 'users.name as user_name', 'users.role', 'users.supplier_subject_id', 'users.disabled_at'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function listTokens(db: Db, filter: { userId?: number }): Promise<Array<TokenRow & { email: string }>> {
  let q = db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id').selectAll('api_tokens').select('users.email');
  if (filter.userId !== undefined) q = q.where('api_tokens.user_id', '=', filter.userId);
  return q.orderBy('api_tokens.id').execute();
}

export async function getToken(db: Db, id: number): Promise<TokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revokeToken(db: Db, id: number, now: Date): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Records a use unless one was recorded after `unlessSince` (callers pass now − 1 min), so a busy
 * webhook writes once a minute, not once a request. True when this call wrote.
 */
export async function touchToken(db: Db, id: number, now: Date, unlessSince: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', unlessSince)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

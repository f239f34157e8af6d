import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, Role } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;
export type SessionRow = Selectable<Database['sessions']>;

export interface SessionWithUser extends SessionRow {
  email: string;
  name: string;
  role: Role;
  supplier_subject_id: number | null;
  disabled_at: Date | null;
}

export async function insertSession(db: Db, s: { idHash: string; userId: number; csrfToken: string; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, last_seen_at: s.now, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

/** The session and its user, in one query (it runs on every cookie-authenticated request). */
export async function findSession(db: Db, idHash: string): Promise<SessionWithUser | undefined> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.email', 'users.name', 'users.role', 'users.supplier_subject_id', 'users.disabled_at'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
}

/** Moves the idle clock; skipped by the caller when the last touch is recent, to keep reads read-only. */
export async function touchSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Logout everywhere, and what a password change or a disabled account implies. */
export async function deleteUserSessions(db: Db, userId: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countUserSessions(db: Db, userId: number): Promise<number> {
  const { n } = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(n);
}

/** Sessions past their absolute expiry or idle longer than `idleBefore` allows. */
export async function deleteStaleSessions(db: Db, now: Date, idleBefore: Date): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Role, UserRow } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  supplierSubjectId?: number | null;
}

export async function insertUser(db: Db, u: NewUser): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ email: u.email.trim(), name: u.name, role: u.role, password_hash: u.passwordHash, supplier_subject_id: u.supplierSubjectId ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getUser(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** E-mail addresses compare case-insensitively (the unique index is on lower(email)). */
export async function getUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

/** Roles that work cases: a case, or a case rule's routing, may name an active user with one of them. */
export const ASSIGNABLE_ROLES = ['admin', 'analyst', 'responder', 'approver'] as const satisfies readonly Role[];

/** The people a case can be assigned to, by name. */
export async function listAssignable(db: Db): Promise<Array<{ id: number; name: string; role: Role }>> {
  return db.selectFrom('users').select(['id', 'name', 'role']).where('disabled_at', 'is', null).where('role', 'in', ASSIGNABLE_ROLES).orderBy('name').orderBy('id').execute();
}

/** Which of `ids` name someone a case can be assigned to (exists, not disabled, a case-working role). */
export async function assignableIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', [...ids]).where('disabled_at', 'is', null).where('role', 'in', ASSIGNABLE_ROLES).execute();
  return new Set(rows.map((r) => r.id));
}

export async function countUsers(db: Db): Promise<number> {
  const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

/** Admins who can still log in: the last one may not be demoted or disabled. */
export async function countActiveAdmins(db: Db): Promise<number> {
  const { n } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export interface UserChanges {
  name?: string;
  role?: Role;
  supplierSubjectId?: number | null;
  passwordHash?: string;
  disabledAt?: Date | null;
}

export async function updateUser(db: Db, id: number, c: UserChanges, now: Date): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({
      updated_at: now,
      ...(c.name === undefined ? {} : { name: c.name }),
      ...(c.role === undefined ? {} : { role: c.role }),
      ...(c.supplierSubjectId === undefined ? {} : { supplier_subject_id: c.supplierSubjectId }),
      ...(c.passwordHash === undefined ? {} : { password_hash: c.passwordHash }),
      ...(c.disabledAt === undefined ? {} : { disabled_at: c.disabledAt }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * First run: a fresh install has no account, so one admin is made, from EARSHOT_ADMIN_EMAIL and
 * EARSHOT_ADMIN_PASSWORD when set, otherwise with a random password the caller prints once.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { countUsers, insertUser } from '../db/repositories/users.repository';
import type { Database } from '../db/tables';
import { audit } from './audit';
import { hashPassword, randomPassword } from './passwords';

export const DEFAULT_ADMIN_EMAIL = 'admin@earshot.local';

export interface FirstAdmin {
  email: string;
  /** The generated password, to print once; null when it came from EARSHOT_ADMIN_PASSWORD. */
  password: string | null;
}

/** Creates the first admin when there is no user at all; null when accounts already exist. */
export async function ensureFirstAdmin(db: Kysely<Database>, config: Pick<Config, 'admin'>): Promise<FirstAdmin | null> {
  if ((await countUsers(db)) > 0) return null;
  const email = (config.admin.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  const generated = config.admin.password ? null : randomPassword();
  const password = config.admin.password ?? generated!;
  try {
    const user = await insertUser(db, { email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password) });
    await audit(db, { actorId: null, action: 'user.created', target: { type: 'user', id: user.id }, details: { role: 'admin', via: 'first run' } });
  } catch (e) {
    // Two processes starting together on one database: the other one made the admin.
    if (typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505') return null;
    throw e;
  }
  return { email, password: generated };
}

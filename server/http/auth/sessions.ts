import type { Kysely } from 'kysely';
import { hashToken, randomId } from '../../auth/tokens';
import { insertSession } from '../../db/repositories/sessions.repository';
import type { Database } from '../../db/tables';

export interface NewSession {
  /** The cookie value: 32 random bytes; only its sha256 is stored. */
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Starts a session for a user who has just proven who they are. */
export async function startSession(db: Kysely<Database>, userId: number, now: Date, absoluteTimeoutMs: number, meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
  const id = randomId();
  const csrfToken = randomId();
  const expiresAt = new Date(now.getTime() + absoluteTimeoutMs);
  await insertSession(db, { idHash: hashToken(id), userId, csrfToken, now, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
  return { id, csrfToken, expiresAt };
}

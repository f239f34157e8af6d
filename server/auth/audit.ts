/**
 * The audit log of security-relevant actions: logins and failed logins, logouts, role and password
 * changes, token creation, use and revocation, credential changes, exports. Details are for people
 * reading the log later, so secrets are scrubbed here whatever a caller passes.
 */
import type { Kysely, Transaction } from 'kysely';
import { insertAudit } from '../db/repositories/audit.repository';
import type { Database } from '../db/tables';

export type AuditAction =
  | 'login'
  | 'login.failed'
  | 'login.locked'
  | 'logout'
  | 'logout.everywhere'
  | 'session.expired'
  | 'user.created'
  | 'user.updated'
  | 'user.role_changed'
  | 'user.password_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'token.created'
  | 'token.used'
  | 'token.revoked'
  | 'credential.changed'
  | 'export'
  | 'reply.drafted'
  | 'reply.edited'
  | 'reply.submitted'
  | 'reply.approved'
  | 'reply.sent_back'
  | 'reply.send_started'
  | 'reply.sent'
  | 'reply.failed'
  | 'reply.unconfirmed'
  | 'reply.checked'
  | 'settings.changed'
  | 'supplier.escalated';

export interface AuditEvent {
  actorId: number | null;
  action: AuditAction;
  /** What was acted on, e.g. `{ type: 'user', id: 7 }`. */
  target?: { type: string; id: string | number } | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  at?: Date;
}

const SECRET_KEY = /pass(word)?|secret|^token$|cookie|authorization|csrf|credential|bearer|hash/i;
const SECRET_VALUE = /es_[A-Za-z0-9_-]{20,}|scrypt\$/;
// jsonb refuses a lone surrogate's escape, and an audit write must never fail on what a client typed.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const clean = (s: string) => s.slice(0, 500).replace(LONE_SURROGATE, '\ufffd').replaceAll('\u0000', '\ufffd');

/** Copies details with anything secret-looking replaced by '[redacted]'. */
export function scrubDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = SECRET_VALUE.test(value) ? '[redacted]' : clean(value);
    else if (value === null || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.slice(0, 50).map((v) => (typeof v !== 'string' ? v : SECRET_VALUE.test(v) ? '[redacted]' : clean(v)));
    else if (typeof value === 'object') out[key] = scrubDetails(value as Record<string, unknown>);
  }
  return out;
}

/** @example await audit(db, { actorId: 1, action: 'user.role_changed', target: { type: 'user', id: 7 }, details: { from: 'viewer', to: 'analyst' } }) */
export async function audit(db: Kysely<Database> | Transaction<Database>, e: AuditEvent): Promise<void> {
  await insertAudit(db, {
    at: e.at ?? new Date(),
    actorId: e.actorId,
    action: e.action,
    targetType: e.target?.type ?? null,
    targetId: e.target ? String(e.target.id) : null,
    details: scrubDetails(e.details ?? {}),
    ip: e.ip ?? null,
  });
}

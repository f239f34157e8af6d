import type { ApiToken, AuditEntry, TokenScope, User } from '../../../shared/api/auth';
import type { AuditRow } from '../../db/repositories/audit.repository';
import type { TokenRow } from '../../db/repositories/tokens.repository';
import type { UserRow } from '../../db/tables';

/** A user as the API shows it: never the password hash. */
export function toUser(u: UserRow): User {
  return { id: u.id, email: u.email, name: u.name, role: u.role, supplierSubjectId: u.supplier_subject_id, disabled: u.disabled_at !== null, createdAt: u.created_at.toISOString() };
}

/** A token as the API shows it: never the token or its hash. */
export function toToken(t: TokenRow & { email: string }): ApiToken {
  return {
    id: t.id,
    userId: t.user_id,
    userEmail: t.email,
    name: t.name,
    scope: t.scope as TokenScope,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    revokedAt: t.revoked_at?.toISOString() ?? null,
  };
}

export function toAuditEntry(a: AuditRow & { actor_email: string | null }): AuditEntry {
  return { id: a.id, at: a.at.toISOString(), actorId: a.actor_id, actorEmail: a.actor_email, action: a.action, targetType: a.target_type, targetId: a.target_id, details: a.details, ip: a.ip };
}

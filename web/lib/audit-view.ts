/** Pure helpers for the audit log page: how an entry reads in the table and in a CSV export. */
import type { AuditEntry } from '../../shared/api/auth';

/** The actions the server records (server/auth/audit.ts), for the page's filter. */
export const auditActions = [
  'login',
  'login.failed',
  'login.locked',
  'logout',
  'logout.everywhere',
  'session.expired',
  'user.created',
  'user.updated',
  'user.role_changed',
  'user.password_changed',
  'user.disabled',
  'user.enabled',
  'token.created',
  'token.used',
  'token.revoked',
  'credential.changed',
  'export',
] as const;

/**
 * Details as one line of text: nested values flattened to `a.b=c`.
 * @example describeDetails({ from: 'viewer', to: 'analyst' }) // 'from=viewer, to=analyst'
 */
export function describeDetails(details: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    const name = `${prefix}${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) parts.push(describeDetails(value as Record<string, unknown>, `${name}.`));
    else parts.push(`${name}=${Array.isArray(value) ? value.map(String).join('|') : String(value)}`);
  }
  return parts.filter(Boolean).join(', ');
}

/** @example auditTarget({ targetType: 'user', targetId: '7' }) // 'user 7' */
export const auditTarget = (e: Pick<AuditEntry, 'targetType' | 'targetId'>) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}`.trim() : '');

export const auditCsvHeader = ['id', 'at', 'actor', 'action', 'target', 'ip', 'details'];

export function auditCsvRows(entries: AuditEntry[]): unknown[][] {
  return entries.map((e) => [e.id, e.at, e.actorEmail ?? (e.actorId === null ? '' : `user ${e.actorId}`), e.action, auditTarget(e), e.ip ?? '', describeDetails(e.details)]);
}

/**
 * A case's timeline in words: who did what ("Dana assigned it to Ravi", "status → resolved"),
 * from the events the server records. Pure, so it is unit-tested; unknown events still read.
 */
import type { CaseEvent } from '../../shared/api/cases';

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const words = (s: string) => s.replace(/[._]/g, ' ');

function changes(d: Record<string, unknown>, personName: (id: number) => string): string {
  const parts: string[] = [];
  if ('status' in d) parts.push(`status → ${words(str(d.status))}`);
  if ('priority' in d) parts.push(`priority → ${str(d.priority)}`);
  if ('assigneeId' in d) parts.push(typeof d.assigneeId === 'number' ? `assigned it to ${personName(d.assigneeId)}` : 'unassigned it');
  if ('queue' in d) parts.push(d.queue ? `queue → ${str(d.queue)}` : 'took it out of its queue');
  if (Array.isArray(d.tags)) parts.push(d.tags.length ? `tags → ${d.tags.map(str).join(', ')}` : 'removed the tags');
  return parts.join(', ') || 'updated it';
}

/** Who (null: Earshot itself, by rule or clock) and what, for one event. */
export function describeCaseEvent(e: CaseEvent, personName: (id: number) => string = (id) => `user #${id}`): { who: string | null; what: string } {
  const d = e.details;
  const who = e.actorName ?? (e.actorId === null ? null : personName(e.actorId));
  const what = (() => {
    switch (e.type) {
      case 'created':
        return `opened the case${d.priority ? ` (${str(d.priority)})` : ''}`;
      case 'opened_by_rule':
        return `opened by the rule “${str(d.rule) || str(d.ruleId)}”${d.queue ? ` into ${str(d.queue)}` : ''}${typeof d.assigneeId === 'number' ? ` for ${personName(d.assigneeId)}` : ''}`;
      case 'updated':
        return changes(d, personName);
      case 'note':
        return `noted: ${str(d.text)}`;
      case 'responded':
        return `first response${d.how ? ` (${str(d.how)})` : ''}`;
      case 'follow_up':
        return 'a follow-up post arrived';
      case 'sla_breached':
        return `missed the ${words(str(d.clock))} deadline`;
      case 'escalated':
        return `escalated to ${str(d.supplier)}${d.via ? ` by ${str(d.via)}` : ''}`;
      case 'escalation.delivered':
        return 'the escalation was delivered';
      case 'escalation.failed':
        return `the escalation failed${d.error ? `: ${str(d.error)}` : ''}`;
      case 'supplier_acknowledged':
        return `the supplier acknowledged${d.message ? `: ${str(d.message)}` : ''}`;
      default:
        // reply.drafted, reply.approved, reply.sent ...: "reply drafted".
        return words(e.type);
    }
  })();
  return { who, what };
}

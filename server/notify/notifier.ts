/** Alert delivery adapters: each turns an alert into a message for one kind of target. */
import type { AlertTarget } from '../../shared/api/targets';

export interface AlertMessage {
  event: 'alert.opened' | 'alert.escalated';
  alert: {
    id: number;
    kind: string;
    severity: string;
    status: string;
    subject: string | null;
    issue: string | null;
    source: string | null;
    observed: number;
    expected: number;
    since: string;
    summary: string;
    topTerms: string[];
    distinctAuthors: number;
    url: string;
  };
}

export interface Notifier {
  deliver(target: AlertTarget & { secret?: string }, message: AlertMessage, signal: AbortSignal): Promise<void>;
}

export class DeliveryError extends Error {}

/** One line a person can read at a glance: what, where, how far from normal. */
export function headline(m: AlertMessage): string {
  const a = m.alert;
  const where = [a.subject, a.issue ? `“${a.issue}”` : null, a.source].filter(Boolean).join(' · ');
  const kind = a.kind.replace(/_/g, ' ');
  return `[${a.severity.toUpperCase()}] ${kind}${where ? ` — ${where}` : ''}: ${Math.round(a.observed)} vs ${a.expected.toFixed(1)} expected`;
}

/**
 * SLA breach alerts: one alert per case and clock, opened when the clock's deadline passes while
 * the case is still open, resolved once the clock is settled (responded to, resolved or closed).
 * Pure: the cases and `now` come in, what to open and what to resolve go out.
 */
export type SlaClock = 'first_response' | 'resolution';

export interface SlaCase {
  id: number;
  title: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  open: boolean;
  createdAt: Date;
  firstResponseDue: Date | null;
  firstRespondedAt: Date | null;
  resolutionDue: Date | null;
  resolvedAt: Date | null;
}

export interface SlaBreach {
  caseId: number;
  clock: SlaClock;
  key: string;
  due: Date;
  /** Minutes allowed and minutes taken so far, for the alert's expected and observed. */
  allowedMin: number;
  elapsedMin: number;
  severity: 'warning' | 'critical';
  summary: string;
}

/** @example slaConditionKey(12, 'resolution') // 'sla:12:resolution' */
export const slaConditionKey = (caseId: number, clock: SlaClock) => `sla:${caseId}:${clock}`;

/** @example parseSlaConditionKey('sla:12:resolution') // { caseId: 12, clock: 'resolution' } */
export function parseSlaConditionKey(key: string): { caseId: number; clock: SlaClock } | null {
  const m = /^sla:(\d+):(first_response|resolution)$/.exec(key);
  return m ? { caseId: Number(m[1]), clock: m[2] as SlaClock } : null;
}

const CLOCKS: Array<{ clock: SlaClock; due: 'firstResponseDue' | 'resolutionDue'; done: 'firstRespondedAt' | 'resolvedAt'; name: string }> = [
  { clock: 'first_response', due: 'firstResponseDue', done: 'firstRespondedAt', name: 'first response' },
  { clock: 'resolution', due: 'resolutionDue', done: 'resolvedAt', name: 'resolution' },
];

/** Whether a clock no longer runs: done, or the case is no longer open. */
export function clockSettled(c: SlaCase, clock: SlaClock): boolean {
  const spec = CLOCKS.find((x) => x.clock === clock)!;
  return !c.open || c[spec.done] !== null;
}

/** The clocks of these cases that are past due and still running. */
export function breachedClocks(cases: SlaCase[], now: Date): SlaBreach[] {
  const out: SlaBreach[] = [];
  for (const c of cases) {
    for (const spec of CLOCKS) {
      const due = c[spec.due];
      if (!due || now <= due || clockSettled(c, spec.clock)) continue;
      const minutes = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 60_000);
      out.push({
        caseId: c.id,
        clock: spec.clock,
        key: slaConditionKey(c.id, spec.clock),
        due,
        allowedMin: minutes(c.createdAt, due),
        elapsedMin: minutes(c.createdAt, now),
        severity: c.priority === 'urgent' || c.priority === 'high' ? 'critical' : 'warning',
        summary: `Case #${c.id} "${c.title}": ${spec.name} overdue since ${due.toISOString()} (${c.priority})`,
      });
    }
  }
  return out;
}

/**
 * Service-level clocks for cases: time to first response and time to resolution, per priority.
 * Pure: the policy and `now` are parameters.
 */
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type ClockState = 'ok' | 'warning' | 'breached' | 'met' | 'missed';

export interface SlaPolicy {
  /** Minutes to first response and to resolution, per priority. */
  targets: Record<Priority, { firstResponseMin: number; resolutionMin: number }>;
  /** Share of the allowed time after which a clock warns (0..1). */
  warnAt: number;
}

export const defaultSlaPolicy: SlaPolicy = {
  targets: {
    urgent: { firstResponseMin: 60, resolutionMin: 8 * 60 },
    high: { firstResponseMin: 4 * 60, resolutionMin: 24 * 60 },
    normal: { firstResponseMin: 8 * 60, resolutionMin: 72 * 60 },
    low: { firstResponseMin: 24 * 60, resolutionMin: 7 * 24 * 60 },
  },
  warnAt: 0.8,
};

/** Due times of a case opened at `openedAt`. @example dueTimes('urgent', t0).firstResponseDue // t0 + 1 h */
export function dueTimes(priority: Priority, openedAt: Date, policy: SlaPolicy = defaultSlaPolicy): { firstResponseDue: Date; resolutionDue: Date } {
  const t = policy.targets[priority];
  return {
    firstResponseDue: new Date(openedAt.getTime() + t.firstResponseMin * 60_000),
    resolutionDue: new Date(openedAt.getTime() + t.resolutionMin * 60_000),
  };
}

/** The state of one clock: met/missed once done, else ok → warning → breached as `now` advances. */
export function clockState(openedAt: Date, due: Date, doneAt: Date | null, now: Date, warnAt = defaultSlaPolicy.warnAt): ClockState {
  if (doneAt) return doneAt <= due ? 'met' : 'missed';
  if (now > due) return 'breached';
  const elapsed = (now.getTime() - openedAt.getTime()) / Math.max(1, due.getTime() - openedAt.getTime());
  return elapsed >= warnAt ? 'warning' : 'ok';
}

/** Median and 90th percentile of durations in minutes (null when empty). */
export function durationStats(minutes: number[]): { median: number | null; p90: number | null } {
  if (minutes.length === 0) return { median: null, p90: null };
  const s = [...minutes].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p90: at(0.9) };
}

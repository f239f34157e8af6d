/**
 * Case metrics: SLA attainment and first-response and resolution times (median, p90), overall and
 * per group (subject, issue, agent). Pure: the cases and `now` are parameters.
 */
import { durationStats } from './sla';

export interface MetricCase {
  open: boolean;
  createdAt: Date;
  firstResponseDue: Date | null;
  firstRespondedAt: Date | null;
  resolutionDue: Date | null;
  resolvedAt: Date | null;
}

export interface ClockStats {
  /** Clocks stopped in time, and stopped late. */
  met: number;
  missed: number;
  /** Open cases whose clock is past due and still running. */
  breachedOpen: number;
  /** met / (met + missed); null before any clock stopped. */
  attainment: number | null;
  medianMin: number | null;
  p90Min: number | null;
}

export interface GroupMetrics {
  id: number | null;
  name: string | null;
  total: number;
  open: number;
  firstResponse: ClockStats;
  resolution: ClockStats;
}

const CLOCK = {
  firstResponse: { due: 'firstResponseDue', done: 'firstRespondedAt' },
  resolution: { due: 'resolutionDue', done: 'resolvedAt' },
} as const;

/**
 * One clock over many cases.
 * @example clockStats([{ open: false, createdAt: t, firstResponseDue: t+60m, firstRespondedAt: t+30m, ... }], 'firstResponse', now) // { met: 1, medianMin: 30, ... }
 */
export function clockStats(cases: MetricCase[], clock: keyof typeof CLOCK, now: Date): ClockStats {
  const { due, done } = CLOCK[clock];
  let met = 0;
  let missed = 0;
  let breachedOpen = 0;
  const durations: number[] = [];
  for (const c of cases) {
    const d = c[due];
    const at = c[done];
    if (at) {
      durations.push((at.getTime() - c.createdAt.getTime()) / 60_000);
      if (d && at <= d) met++;
      else missed++;
    } else if (d && now > d && c.open) breachedOpen++;
  }
  const { median, p90 } = durationStats(durations);
  return { met, missed, breachedOpen, attainment: met + missed === 0 ? null : met / (met + missed), medianMin: median, p90Min: p90 };
}

/** Metrics per group, the group with the most cases first (then by name). */
export function metricsBy<T extends MetricCase>(cases: T[], groupOf: (c: T) => { id: number | null; name: string | null }, now: Date): GroupMetrics[] {
  const groups = new Map<number | null, { name: string | null; cases: T[] }>();
  for (const c of cases) {
    const g = groupOf(c);
    const entry = groups.get(g.id) ?? { name: g.name, cases: [] };
    entry.cases.push(c);
    groups.set(g.id, entry);
  }
  return [...groups]
    .map(([id, g]) => ({
      id,
      name: g.name,
      total: g.cases.length,
      open: g.cases.filter((c) => c.open).length,
      firstResponse: clockStats(g.cases, 'firstResponse', now),
      resolution: clockStats(g.cases, 'resolution', now),
    }))
    .sort((a, b) => b.total - a.total || (a.name ?? '').localeCompare(b.name ?? ''));
}

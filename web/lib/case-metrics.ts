/**
 * The case metrics page's tables: the same rows feed the table and its CSV export, so what is
 * downloaded is what is shown.
 */
import type { GroupMetrics } from '../../shared/api/cases';

/** @example fmtMinutes(45) // '45 min'; fmtMinutes(150) // '2.5 h'; fmtMinutes(4320) // '3.0 d' */
export function fmtMinutes(m: number | null): string {
  if (m === null) return '—';
  if (m < 90) return `${Math.round(m)} min`;
  if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} d`;
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

export const breakdownHeader = (what: string) => [what, 'cases', 'open', 'first response on time', 'first response median', 'first response p90', 'resolved on time', 'resolution median', 'resolution p90', 'breached (open)'];

/** Rows for display: `none` names the group of cases with no subject, issue or agent. */
export function breakdownRows(groups: GroupMetrics[], none: string): string[][] {
  return groups.map((g) => [
    g.name ?? (g.id === null ? none : `#${g.id}`),
    String(g.total),
    String(g.open),
    pct(g.firstResponse.attainment),
    fmtMinutes(g.firstResponse.medianMin),
    fmtMinutes(g.firstResponse.p90Min),
    pct(g.resolution.attainment),
    fmtMinutes(g.resolution.medianMin),
    fmtMinutes(g.resolution.p90Min),
    String(g.firstResponse.breachedOpen + g.resolution.breachedOpen),
  ]);
}

/** Rows for CSV: numbers as numbers (minutes, shares 0..1), empty where there is none yet. */
export function breakdownCsvRows(groups: GroupMetrics[], none: string): unknown[][] {
  const n = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  return groups.map((g) => [
    g.name ?? (g.id === null ? none : `#${g.id}`),
    g.total,
    g.open,
    n(g.firstResponse.attainment),
    n(g.firstResponse.medianMin),
    n(g.firstResponse.p90Min),
    n(g.resolution.attainment),
    n(g.resolution.medianMin),
    n(g.resolution.p90Min),
    g.firstResponse.breachedOpen + g.resolution.breachedOpen,
  ]);
}

/** How many clocks of the listed cases are near their deadline, and past it. */
export function slaWatch(cases: Array<{ sla: { firstResponse: { state: string }; resolution: { state: string } } }>): { warning: number; breached: number } {
  let warning = 0;
  let breached = 0;
  for (const c of cases)
    for (const clock of [c.sla.firstResponse, c.sla.resolution]) {
      if (clock.state === 'warning') warning++;
      if (clock.state === 'breached') breached++;
    }
  return { warning, breached };
}

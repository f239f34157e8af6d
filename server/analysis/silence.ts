/**
 * When is a quiet source "silent"? Each source learns its own usual quiet period from the hours in
 * which posts arrived (a news feed may be quiet all night, a firehose never is), and is silent when
 * the current gap is clearly longer than anything it normally does, and never before a floor.
 * Pure: arrivals and `now` come in; the shell (server/pipeline/silence.ts) keeps the history.
 */
const HOUR = 3_600_000;

/** Posts that arrived per hour, keyed by the hour's epoch index; only hours with arrivals are kept. */
export interface ArrivalHistory {
  hours: Record<string, number>;
  lastArrivalAt: number | null;
}

export interface SilenceParams {
  /** Never silent before this gap (ms). */
  floorMs: number;
  /** Silent after this many times the longest usual quiet period. */
  factor: number;
  /** Hours of history before the learned period is trusted; until then `youngThresholdMs` applies. */
  minHistoryHours: number;
  youngThresholdMs: number;
  /** How far back the history reaches. */
  keepHours: number;
}

export const defaultSilenceParams: SilenceParams = { floorMs: 30 * 60_000, factor: 1.5, minHistoryHours: 24, youngThresholdMs: 4 * HOUR, keepHours: 14 * 24 };

export const emptyHistory = (): ArrivalHistory => ({ hours: {}, lastArrivalAt: null });

/** @example recordArrivals(emptyHistory(), new Date('2026-03-02T10:15Z'), 3).hours // { '491794': 3 } */
export function recordArrivals(h: ArrivalHistory, at: Date, count: number, keepHours = defaultSilenceParams.keepHours): ArrivalHistory {
  if (count <= 0) return h;
  const hour = Math.floor(at.getTime() / HOUR);
  const hours: Record<string, number> = {};
  for (const [k, v] of Object.entries(h.hours)) if (Number(k) > hour - keepHours) hours[k] = v;
  hours[hour] = (hours[hour] ?? 0) + count;
  return { hours, lastArrivalAt: Math.max(h.lastArrivalAt ?? 0, at.getTime()) };
}

/**
 * The longest run of empty hours between two hours with arrivals, in ms, counted as the gap it can
 * stand for (k empty hours between arrivals span up to k + 1 hours). The ongoing gap is not usual.
 */
export function usualQuietMs(h: ArrivalHistory): number {
  const hours = Object.keys(h.hours)
    .map(Number)
    .sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < hours.length; i++) longest = Math.max(longest, hours[i]! - hours[i - 1]!);
  return longest * HOUR;
}

export interface SilenceVerdict {
  silent: boolean;
  /** How long a gap must last before the source counts as silent. */
  thresholdMs: number;
  gapMs: number | null;
  /** Posts per hour the source usually brings at this hour of the day (mean over its history). */
  expectedPerHour: number;
}

export function checkSilence(h: ArrivalHistory, now: Date, p: SilenceParams = defaultSilenceParams): SilenceVerdict {
  const hours = Object.keys(h.hours).map(Number);
  const nowHour = Math.floor(now.getTime() / HOUR);
  const first = hours.length ? Math.min(...hours) : nowHour;
  const span = nowHour - first;
  const learned = span >= p.minHistoryHours;
  const thresholdMs = Math.max(p.floorMs, learned ? p.factor * usualQuietMs(h) : p.youngThresholdMs);
  const gapMs = h.lastArrivalAt === null ? null : now.getTime() - h.lastArrivalAt;
  // Same hour of the day on each day the history covers (hours without arrivals count as zero).
  const hourOfDay = nowHour % 24;
  const firstSame = first + ((hourOfDay - (first % 24) + 24) % 24);
  const days = firstSame < nowHour ? Math.floor((nowHour - 1 - firstSame) / 24) + 1 : 0;
  let sameHour = 0;
  for (const hour of hours) if (hour % 24 === hourOfDay && hour < nowHour) sameHour += h.hours[hour]!;
  return { silent: gapMs !== null && gapMs > thresholdMs, thresholdMs, gapMs, expectedPerHour: days ? sameHour / days : 0 };
}

/**
 * The X source's cursor, saved in the same transaction as the posts it covers: per search query the
 * newest post id stored (since_id) and any pagination in progress, the month's read meter, and the
 * newest id the stream delivered. Pure functions; time is a parameter.
 */
import type { Cursor } from '../source';

export interface QueryPosition {
  /** since_id for the next round: the newest post id of the last finished round. */
  sinceId: string | null;
  /** Within a round: the next page to read, and the newest id the round has seen (its first page). */
  nextToken?: string;
  newestId?: string;
  pages?: number;
}

export interface XCursor {
  search: Record<string, QueryPosition>;
  /** Posts read this calendar month (UTC), the meter behind `monthlyReadBudget`. */
  budget: { month: string; used: number };
  streamNewestId?: string;
}

export function parseXCursor(cursor: Cursor, now: Date): XCursor {
  const c = (cursor ?? {}) as Partial<XCursor>;
  const search: Record<string, QueryPosition> = {};
  for (const [q, p] of Object.entries(c.search ?? {})) {
    if (p && typeof p === 'object') search[q] = { ...p, sinceId: typeof p.sinceId === 'string' ? p.sinceId : null };
  }
  const month = budgetMonth(now);
  const budget = c.budget && c.budget.month === month && Number.isFinite(c.budget.used) ? { month, used: c.budget.used } : { month, used: 0 };
  return { search, budget, ...(typeof c.streamNewestId === 'string' ? { streamNewestId: c.streamNewestId } : {}) };
}

/** A deep copy, so a batch's cursor is not changed by later reads. */
export function snapshotCursor(c: XCursor): XCursor {
  return JSON.parse(JSON.stringify(c)) as XCursor;
}

/** @example budgetMonth(new Date('2026-03-31T23:59:59Z')) // '2026-03' */
export function budgetMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** Starts a new meter when the month turned. */
export function rollBudget(c: XCursor, now: Date): void {
  const month = budgetMonth(now);
  if (c.budget.month !== month) c.budget = { month, used: 0 };
}

/** Posts that may still be read this month (Infinity without a budget). */
export function budgetLeft(c: XCursor, limit: number | null): number {
  return limit === null ? Infinity : Math.max(0, limit - c.budget.used);
}

/** The first instant of the next UTC month: when an exhausted budget opens again. */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

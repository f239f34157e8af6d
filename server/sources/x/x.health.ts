/** Gauges on top of SourceHealthTracker's counters (which only add). */
import type { SourceHealthTracker } from '../health';
import type { XCursor } from './x.cursor';

export function setCounter(health: SourceHealthTracker, name: string, value: number): void {
  health.count(name, value - (health.snapshot().counters[name] ?? 0));
}

/** The read meter as health counters: budget_used (this month) and budget_limit (0: no budget). */
export function reportBudget(state: XCursor, limit: number | null, health: SourceHealthTracker): void {
  setCounter(health, 'budget_used', state.budget.used);
  setCounter(health, 'budget_limit', limit ?? 0);
}

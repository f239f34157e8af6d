/**
 * The alert lifecycle, against alert fatigue: at most one open alert per condition key; while the
 * condition holds the open alert is updated (and escalated when its severity rises) instead of
 * repeated; it resolves once the condition has not held for `resolveAfterMs`; after that the key
 * stays quiet for `cooldownMs`.
 */
import type { AlertEvent, AlertRecord, Severity, Signal } from './types';

export interface AlertBook {
  nextId: number;
  /** Condition key -> its latest alert (open, or resolved and cooling down). */
  byKey: Record<string, AlertRecord>;
}

export interface LifecycleParams {
  resolveAfterMs: number;
  cooldownMs: number;
  /** An open alert is re-announced ('updated') only when the observed count grew by this factor. */
  updateGrowth: number;
}

export const defaultLifecycleParams: LifecycleParams = { resolveAfterMs: 60 * 60_000, cooldownMs: 6 * 3_600_000, updateGrowth: 1.25 };

export function emptyAlertBook(): AlertBook {
  return { nextId: 1, byKey: {} };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Severity from how far (p-value, ratio to expected) and how fast (buckets it built up over) a
 * signal departs from normal.
 * @example severityOf({ pValue: 1e-14, observed: 60, expected: 4, windowBuckets: 1 }) // 'critical'
 */
export function severityOf(s: Pick<Signal, 'pValue' | 'observed' | 'expected' | 'windowBuckets' | 'severity'>): Severity {
  if (s.severity) return s.severity;
  const far = -Math.log10(Math.max(s.pValue, 1e-300));
  const ratio = s.expected > 0 ? s.observed / s.expected : Infinity;
  const fast = s.windowBuckets <= 3;
  if ((far >= 12 && ratio >= 5) || (fast && far >= 9 && ratio >= 8)) return 'critical';
  if ((far >= 7 && ratio >= 3) || (fast && ratio >= 4)) return 'warning';
  return 'info';
}

/**
 * Applies the signals that hold at `now` to the book. Returns a new book and what changed.
 * @example stepAlerts(emptyAlertBook(), [spike], now).events[0].type // 'opened'
 */
export function stepAlerts(
  book: AlertBook,
  signals: Signal[],
  now: number,
  params: Partial<LifecycleParams> = {},
): { book: AlertBook; events: AlertEvent[] } {
  const p = { ...defaultLifecycleParams, ...params };
  const next: AlertBook = { nextId: book.nextId, byKey: { ...book.byKey } };
  const events: AlertEvent[] = [];
  const firing = new Set<string>();
  for (const s of [...signals].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.pValue - b.pValue))) {
    if (firing.has(s.key)) continue;
    firing.add(s.key);
    const prev = next.byKey[s.key];
    const severity = severityOf(s);
    if (prev && prev.status === 'open') {
      const grown = s.observed > prev.observed && s.observed >= prev.observed * p.updateGrowth;
      const escalated = RANK[severity] > RANK[prev.severity];
      const rec: AlertRecord = {
        ...prev,
        lastFiringAt: now,
        windowEnd: Math.max(prev.windowEnd, s.windowEnd),
        severity: escalated ? severity : prev.severity,
        ...(grown || escalated ? { observed: s.observed, expected: s.expected, updatedAt: now, why: { ...s.why, since: prev.why.since } } : {}),
      };
      next.byKey[s.key] = rec;
      if (escalated) events.push({ type: 'escalated', alert: rec });
      else if (grown) events.push({ type: 'updated', alert: rec });
      continue;
    }
    if (prev && prev.cooldownUntil !== null && now < prev.cooldownUntil) continue;
    const rec: AlertRecord = {
      id: next.nextId++,
      key: s.key,
      kind: s.kind,
      subjectId: s.subjectId,
      issueId: s.issueId,
      source: s.source,
      status: 'open',
      severity,
      observed: s.observed,
      expected: s.expected,
      windowStart: s.windowStart,
      windowEnd: s.windowEnd,
      openedAt: now,
      updatedAt: now,
      lastFiringAt: now,
      resolvedAt: null,
      cooldownUntil: null,
      why: s.why,
    };
    next.byKey[s.key] = rec;
    events.push({ type: 'opened', alert: rec });
  }
  for (const [key, rec] of Object.entries(next.byKey)) {
    if (firing.has(key)) continue;
    // A silent source is a yes/no fact: the first post back clears it at once, and it may be raised
    // again only after its own threshold passes again (which already spaces repeats out).
    const binary = rec.kind === 'source_silent';
    if (rec.status === 'open' && (binary || now - rec.lastFiringAt >= p.resolveAfterMs)) {
      const resolved: AlertRecord = { ...rec, status: 'resolved', resolvedAt: now, updatedAt: now, cooldownUntil: now + (binary ? 0 : p.cooldownMs) };
      next.byKey[key] = resolved;
      events.push({ type: 'resolved', alert: resolved });
    } else if (rec.status === 'resolved' && (rec.cooldownUntil ?? 0) <= now) {
      delete next.byKey[key];
    }
  }
  return { book: next, events };
}

/** The open alerts, oldest first. */
export function openAlerts(book: AlertBook): AlertRecord[] {
  return Object.values(book.byKey)
    .filter((a) => a.status === 'open')
    .sort((a, b) => a.openedAt - b.openedAt || a.id - b.id);
}

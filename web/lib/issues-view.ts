/**
 * What the Issues page shows and in what order: a text filter over an issue's label, key terms,
 * references and subject, and the sorts a quality manager asks for. Pure, so it is unit-tested.
 */
import type { IssueView } from '../../shared/api/issues';

export const issueSorts = { rising: 'Rising fastest', people: 'Most people', recent: 'Latest post', severity: 'Severity' } as const;
export type IssueSort = keyof typeof issueSorts;

export const isIssueSort = (s: string | null | undefined): s is IssueSort => typeof s === 'string' && Object.hasOwn(issueSorts, s);

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Posts in the last 6 hours and the change against the 6 hours before, from the hourly growth
 * series (48 hours, oldest first).
 * @example recentChange([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5]) // { last6h: 30, change: 24 }
 */
export function recentChange(growth: readonly number[]): { last6h: number; change: number } {
  const last6h = sum(growth.slice(-6));
  return { last6h, change: last6h - sum(growth.slice(-12, -6)) };
}

function matches(i: IssueView, words: string[]): boolean {
  const hay = [i.label, i.subjectName ?? '', ...i.keyTerms, ...i.references.map((r) => `${r.type} ${r.value}`), `#${i.id}`].join('\n').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The issues matching every word of `q` (any order, any field), in the chosen order; ties go to the newer post. */
export function arrangeIssues(issues: readonly IssueView[], options: { q?: string; sort: IssueSort }): IssueView[] {
  const words = (options.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const shown = words.length ? issues.filter((i) => matches(i, words)) : [...issues];
  const key: Record<IssueSort, (i: IssueView) => number> = {
    rising: (i) => recentChange(i.growth).change,
    people: (i) => i.distinctAuthors,
    recent: (i) => Date.parse(i.lastSeen),
    severity: (i) => i.severity,
  };
  const by = key[options.sort];
  return shown.sort((a, b) => by(b) - by(a) || Date.parse(b.lastSeen) - Date.parse(a.lastSeen) || b.id - a.id);
}

/** The overview's short list: issues growing in the last 6 hours (fastest first), then the most severe. */
export function risingFirst(issues: readonly IssueView[], n: number): IssueView[] {
  const growing = arrangeIssues(issues, { sort: 'rising' }).filter((i) => recentChange(i.growth).change > 0);
  const rest = arrangeIssues(issues, { sort: 'severity' }).filter((i) => !growing.includes(i));
  return [...growing, ...rest].slice(0, n);
}

/**
 * The subjects' queries in X syntax: recent-search queries (≤ 512 characters) and filtered-stream
 * rules (≤ 1,024), split at top-level ORs when too long, and the add/delete plan that brings the
 * stream's rules in line with them. Pure. A query X cannot take is reported, not sent.
 */
import { parseQuery } from '../../analysis/query-parser';
import { toXQueries, X_RULE_MAX, X_SEARCH_MAX } from '../../analysis/query-x';
import type { SubjectQuery } from '../registry';

export interface CompiledQueries {
  /** Distinct X queries, each with the subjects it serves. */
  queries: Array<{ value: string; subjectIds: number[] }>;
  errors: Array<{ subjectId: number; message: string }>;
}

/** X allows 1,000 rules per app (Pro). */
export const X_MAX_RULES = 1000;
/** Rules Earshot manages carry this tag prefix; others (made by hand) are left alone. */
export const RULE_TAG_PREFIX = 'earshot';

export function compileSubjectQueries(subjects: SubjectQuery[], maxLength: number): CompiledQueries {
  const byValue = new Map<string, number[]>();
  const errors: CompiledQueries['errors'] = [];
  for (const s of subjects) {
    const parsed = parseQuery(s.query);
    if (!parsed.ok) {
      errors.push({ subjectId: s.id, message: `${s.name}: ${parsed.error.message} (at ${parsed.error.position})` });
      continue;
    }
    const compiled = toXQueries(parsed.query, { maxLength });
    if (!compiled.ok) {
      errors.push({ subjectId: s.id, message: `${s.name}: ${compiled.error}` });
      continue;
    }
    for (const q of compiled.queries) byValue.set(q, [...(byValue.get(q) ?? []), s.id]);
  }
  return { queries: [...byValue].map(([value, subjectIds]) => ({ value, subjectIds })), errors };
}

export const searchQueries = (subjects: SubjectQuery[]) => compileSubjectQueries(subjects, X_SEARCH_MAX);

export interface RulePlan {
  add: Array<{ value: string; tag: string }>;
  deleteIds: string[];
  /** Rules wanted but over X's limit. */
  dropped: number;
}

/**
 * What to add and delete so the stream's Earshot rules are exactly the subjects' rules.
 * @example planRules([{ value: 'acme', subjectIds: [1] }], [{ id: '9', value: 'old', tag: 'earshot:2' }]) // add acme, delete 9
 */
export function planRules(wanted: CompiledQueries['queries'], existing: Array<{ id: string; value: string; tag?: string }>): RulePlan {
  const ours = existing.filter((r) => r.tag?.startsWith(RULE_TAG_PREFIX));
  const room = X_MAX_RULES - (existing.length - ours.length);
  const kept = wanted.slice(0, Math.max(0, room));
  const wantedValues = new Set(kept.map((w) => w.value));
  const have = new Set(ours.map((r) => r.value));
  return {
    add: kept.filter((w) => !have.has(w.value)).map((w) => ({ value: w.value, tag: `${RULE_TAG_PREFIX}:${w.subjectIds.join(',')}`.slice(0, 128) })),
    deleteIds: ours.filter((r) => !wantedValues.has(r.value)).map((r) => r.id),
    dropped: wanted.length - kept.length,
  };
}

export const streamRules = (subjects: SubjectQuery[]) => compileSubjectQueries(subjects, X_RULE_MAX);

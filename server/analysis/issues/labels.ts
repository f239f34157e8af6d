/**
 * Human-readable issue labels from what an issue's posts share: the dominant problem concept,
 * the object it is about, and a reference most posts quote ("cracked housing, batch 42").
 * Falls back to the issue's strongest words when its posts name no known problem.
 */
import type { Reference } from '../../../shared/domain';
import type { IssueState } from './types';
import { conceptById } from './vocabulary';

/** Objects that make sense with each problem, the default first. */
const OBJECTS: Record<string, string[]> = {
  late: ['delivery'],
  damaged: ['item', 'part', 'housing', 'battery', 'delivery'],
  cracked: ['housing', 'part', 'battery', 'item'],
  defective: ['part', 'battery', 'housing', 'item'],
  wrong_item: ['item', 'part'],
  overcharged: ['charge', 'invoice'],
  unpaid: ['invoice'],
  no_response: ['support'],
  login: ['account'],
  cancel: ['subscription', 'account', 'item'],
  outage: ['service'],
  safety: ['battery', 'housing', 'part'],
};

/** Share of an issue's posts a concept or reference needs to be called shared. */
const SHARED = 0.3;

function dominant(counts: Record<string, number>, allowed: (id: string) => boolean, min: number): string | null {
  let best: string | null = null;
  let bestN = 0;
  for (const [id, n] of Object.entries(counts)) {
    if (!allowed(id) || n < min) continue;
    if (n > bestN || (n === bestN && best !== null && id < best)) {
      best = id;
      bestN = n;
    }
  }
  return best;
}

/** References quoted by at least 30% of an issue's posts (and by two posts at least), most quoted first. */
export function sharedReferences(issue: IssueState): Reference[] {
  const min = Math.max(2, Math.ceil(issue.posts * SHARED));
  return Object.entries(issue.refs)
    .filter(([, n]) => n >= min)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k]) => {
      const i = k.indexOf(':');
      return { type: k.slice(0, i), value: k.slice(i + 1) };
    });
}

/** The issue's strongest words (surface forms), concepts left out. */
export function keyTerms(issue: IssueState, surface: Record<string, string>, n = 6): string[] {
  const terms = Object.entries(issue.centroid)
    .filter(([k]) => !k.startsWith('#'))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const out: string[] = [];
  const used = new Set<string>();
  for (const [k] of terms) {
    const parts = k.split(' ');
    // A bigram whose words are both listed already adds nothing.
    if (parts.every((p) => used.has(p))) continue;
    out.push(parts.map((p) => surface[p] ?? p).join(' '));
    for (const p of parts) used.add(p);
    if (out.length >= n) break;
  }
  return out;
}

function referencePhrase(r: Reference): string {
  return r.type === 'flight' ? `flight ${r.value.toUpperCase()}` : `${r.type} ${r.value}`;
}

/**
 * The label an issue gets from its posts.
 * @example issueLabel(issueOfCrackedHousingsQuotingBatch42, surface) // "cracked housing, batch 42"
 */
export function issueLabel(issue: IssueState, surface: Record<string, string>): string {
  const min = Math.max(1, issue.posts * SHARED);
  const problem = dominant(issue.concepts, (id) => conceptById(id)?.kind === 'problem', min);
  let base: string;
  if (problem) {
    const concept = conceptById(problem);
    const allowed = OBJECTS[problem] ?? [];
    // A safety hazard with no object named stays just that; other problems take their usual object.
    const fallback = problem === 'safety' ? null : (allowed[0] ?? null);
    const object = dominant(issue.concepts, (id) => allowed.includes(id), min) ?? fallback;
    const objectLabel = object ? (conceptById(object)?.label ?? object) : '';
    base = (concept?.label ?? problem).replace('{obj}', objectLabel).replace(/\s*:\s*$/, '').replace(/\s+/g, ' ').trim();
  } else {
    base = keyTerms(issue, surface, 3).join(', ') || 'unlabelled issue';
  }
  const ref = sharedReferences(issue)[0];
  return ref ? `${base}, ${referencePhrase(ref)}` : base;
}

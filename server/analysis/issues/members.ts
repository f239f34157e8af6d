/**
 * In-place operations on one issue's aggregates: add or remove a member post, fold one issue
 * into another. Used by `groupPosts` and the user decisions, always on a private copy of the state.
 */
import { accumulate, dot, norm, type PostFeatures } from './features';
import type { GroupingParams, GroupingState, IssueState, RepresentativeCandidate, Vec } from './types';

export interface Member {
  id: string;
  authorId: string;
  textKey: string;
  createdAt: number;
  features: PostFeatures;
  vec: Vec;
}

function bump(map: Record<string, number>, key: string, by: number): void {
  const n = (map[key] ?? 0) + by;
  if (n <= 0) delete map[key];
  else map[key] = n;
}

export function newIssue(state: GroupingState, subjectKey: string, at: number): IssueState {
  const issue: IssueState = {
    id: state.nextId++,
    subjectKey,
    label: '',
    labelLocked: false,
    status: 'new',
    lifecycle: 'open',
    mergedInto: null,
    centroid: {},
    concepts: {},
    refs: {},
    posts: 0,
    authors: {},
    texts: {},
    firstSeen: at,
    lastSeen: at,
    timeline: {},
    candidates: [],
    noMergeWith: [],
  };
  state.issues[String(issue.id)] = issue;
  return issue;
}

function pruneTimeline(issue: IssueState, p: GroupingParams): void {
  const keep = issue.lastSeen - 2 * p.growthWindowMs - p.timelineBucketMs;
  for (const k of Object.keys(issue.timeline)) if (Number(k) < keep) delete issue.timeline[k];
}

/** Adds (sign 1) or removes (sign -1) one post's contribution. */
export function applyMember(issue: IssueState, m: Member, sign: 1 | -1, p: GroupingParams): void {
  accumulate(issue.centroid, m.vec, sign, p.maxCentroidTerms);
  for (const c of m.features.concepts) bump(issue.concepts, c, sign);
  for (const r of m.features.refs) bump(issue.refs, r, sign);
  bump(issue.authors, m.authorId, sign);
  bump(issue.texts, m.textKey, sign);
  issue.posts += sign;
  const bucket = String(Math.floor(m.createdAt / p.timelineBucketMs) * p.timelineBucketMs);
  bump(issue.timeline, bucket, sign);
  if (sign === 1) {
    issue.firstSeen = Math.min(issue.firstSeen, m.createdAt);
    issue.lastSeen = Math.max(issue.lastSeen, m.createdAt);
    offerCandidate(issue, { id: m.id, textKey: m.textKey, vec: m.vec }, p.maxCandidates);
  } else {
    issue.candidates = issue.candidates.filter((c) => c.id !== m.id);
  }
  pruneTimeline(issue, p);
}

/** Keeps a pool of distinct texts, replacing the least typical when a more typical one arrives. */
function offerCandidate(issue: IssueState, c: RepresentativeCandidate, max: number): void {
  if (issue.candidates.some((x) => x.textKey === c.textKey || x.id === c.id)) return;
  if (issue.candidates.length < max) {
    issue.candidates.push(c);
    return;
  }
  // Typicality is the dot product with the centroid; dividing by the centroid's norm would scale
  // every score alike and change no comparison, so it is left out (it cost a pass over the centroid per post).
  let worst = 0;
  let worstScore = Infinity;
  issue.candidates.forEach((x, i) => {
    const s = dot(x.vec, issue.centroid);
    if (s < worstScore) {
      worstScore = s;
      worst = i;
    }
  });
  if (dot(c.vec, issue.centroid) > worstScore) issue.candidates[worst] = c;
}

/** The most typical posts: closest to the centroid, not the loudest. */
export function representatives(issue: IssueState, n = 3): string[] {
  // The cosine of each candidate with the centroid, the centroid's norm computed once.
  const centroidNorm = norm(issue.centroid);
  return issue.candidates
    .map((c) => {
      const d = norm(c.vec) * centroidNorm;
      return { id: c.id, s: d === 0 ? 0 : dot(c.vec, issue.centroid) / d };
    })
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, n)
    .map((c) => c.id);
}

/** Folds `from` into `into`; `from` becomes an alias whose matches go to `into`. */
export function foldInto(into: IssueState, from: IssueState, p: GroupingParams): void {
  accumulate(into.centroid, from.centroid, 1, p.maxCentroidTerms);
  for (const [k, n] of Object.entries(from.concepts)) bump(into.concepts, k, n);
  for (const [k, n] of Object.entries(from.refs)) bump(into.refs, k, n);
  for (const [k, n] of Object.entries(from.authors)) bump(into.authors, k, n);
  for (const [k, n] of Object.entries(from.texts)) bump(into.texts, k, n);
  for (const [k, n] of Object.entries(from.timeline)) bump(into.timeline, k, n);
  into.posts += from.posts;
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  for (const c of from.candidates) offerCandidate(into, c, p.maxCandidates);
  into.noMergeWith = [...new Set([...into.noMergeWith, ...from.noMergeWith])].filter((id) => id !== into.id);
  from.lifecycle = 'merged';
  from.mergedInto = into.id;
  pruneTimeline(into, p);
}

/** Follows merges to the issue that receives posts now. */
export function resolveIssueId(state: GroupingState, id: number | null): number | null {
  let cur = id;
  for (let hops = 0; cur !== null && hops < 1000; hops++) {
    const issue = state.issues[String(cur)];
    if (!issue || issue.mergedInto === null) return cur;
    cur = issue.mergedInto;
  }
  return cur;
}

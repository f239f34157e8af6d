/**
 * Online grouping of complaints and questions into issues, per subject. A post joins the most
 * similar open issue of its subject when the similarity clears `joinThreshold`, else it opens a
 * new issue. Similarity = cosine of the post's vector with the issue centroid (see features.ts),
 * damped when the post names a different problem than the issue, plus a bonus when it quotes a
 * reference (batch, part, invoice...) the issue's posts quote. After each batch, issues whose
 * centroids converged merge, and issues quiet for `staleAfterMs` close.
 *
 * Pure and idempotent: `groupPosts(state, posts, now)` never mutates `state`, and a post id seen
 * before returns its earlier assignment and changes nothing.
 */
import { cosine, dot, norm, postFeatures, vectorize } from './features';
import { issueLabel } from './labels';
import { applyMember, foldInto, newIssue, resolveIssueId, type Member } from './members';
import { normalizeText } from './text';
import {
  defaultGroupingParams,
  type Assignment,
  type GroupingParams,
  type GroupingState,
  type GroupPost,
  type IssueChange,
  type IssueState,
} from './types';
import { isProblem } from './vocabulary';

export function emptyGroupingState(): GroupingState {
  return { version: 1, nextId: 1, docs: 0, df: {}, surface: {}, issues: {}, seen: {} };
}

export function subjectKeyOf(subjectId: string | number | null): string {
  return subjectId === null ? '_' : String(subjectId);
}

/** Problems named by at least 30% of an issue's posts. */
function dominantProblems(issue: IssueState): string[] {
  const min = issue.posts * 0.3;
  return Object.entries(issue.concepts)
    .filter(([id, n]) => n >= min && isProblem(id))
    .map(([id]) => id);
}

/** How well a member fits an issue (higher is better); see the module doc. */
export function similarity(issue: IssueState, m: Member, p: GroupingParams, centroidNorm = norm(issue.centroid)): number {
  const n = centroidNorm;
  let s = n === 0 ? 0 : dot(m.vec, issue.centroid) / n;
  const sharesRef = m.features.refs.some((r) => (issue.refs[r] ?? 0) > 0);
  const problems = m.features.concepts.filter(isProblem);
  const dom = problems.length > 0 ? dominantProblems(issue) : [];
  const conflict = dom.length > 0 && !problems.some((x) => dom.includes(x));
  if (conflict) s = s * p.conflictFactor + (sharesRef ? p.referenceBonus * p.conflictFactor : 0);
  else if (sharesRef) s += p.referenceBonus;
  return s;
}

function closeStaleIn(state: GroupingState, now: number, p: GroupingParams, closed: (id: number) => void): GroupingState {
  for (const issue of Object.values(state.issues)) {
    if (issue.lifecycle === 'open' && now - issue.lastSeen > p.staleAfterMs) {
      issue.lifecycle = 'closed';
      closed(issue.id);
    }
  }
  return state;
}

class Batch {
  readonly changes = new Map<number, IssueChange>();
  readonly touched = new Set<number>();
  private readonly bySubject = new Map<string, IssueState[]>();
  /** Centroid norms of issues unchanged since they were computed. */
  private readonly norms = new Map<number, number>();

  constructor(
    readonly state: GroupingState,
    readonly p: GroupingParams,
  ) {
    for (const issue of Object.values(state.issues)) {
      if (!this.routable(issue)) continue;
      const list = this.bySubject.get(issue.subjectKey) ?? [];
      list.push(issue);
      this.bySubject.set(issue.subjectKey, list);
    }
  }

  /** Open issues, and merged ones whose target is open (their old centroid still attracts posts). */
  private routable(issue: IssueState): boolean {
    const target = this.state.issues[String(resolveIssueId(this.state, issue.id))];
    return target !== undefined && target.lifecycle === 'open' && target.status !== 'resolved';
  }

  note(change: IssueChange): void {
    const prev = this.changes.get(change.issueId);
    if (!prev || prev.type === 'updated') this.changes.set(change.issueId, change);
  }

  member(post: GroupPost): Member {
    const features = postFeatures(post.text, post.references);
    // Document frequencies learn from every groupable post, before it is compared.
    this.state.docs++;
    for (const t of features.terms) this.state.df[t] = (this.state.df[t] ?? 0) + 1;
    for (const [stem, word] of Object.entries(features.surface)) this.state.surface[stem] ??= word;
    return {
      id: post.id,
      authorId: post.authorId,
      textKey: post.dedupeKey ?? normalizeText(post.text),
      createdAt: post.createdAt.getTime(),
      features,
      vec: vectorize(features, this.state.df, this.state.docs),
    };
  }

  assign(post: GroupPost): number | null {
    const prior = this.state.seen[post.id];
    if (prior) return resolveIssueId(this.state, prior[0]);
    if (!post.isComplaintOrQuestion) return null;
    const m = this.member(post);
    const subjectKey = subjectKeyOf(post.subjectId);
    const list = this.bySubject.get(subjectKey) ?? [];
    let best: IssueState | null = null;
    let bestScore = -Infinity;
    for (const issue of list) {
      let n = this.norms.get(issue.id);
      if (n === undefined) {
        n = norm(issue.centroid);
        this.norms.set(issue.id, n);
      }
      const s = similarity(issue, m, this.p, n);
      if (s > bestScore || (s === bestScore && best !== null && issue.id < best.id)) {
        best = issue;
        bestScore = s;
      }
    }
    let target: IssueState;
    if (best && bestScore >= this.p.joinThreshold) {
      target = this.state.issues[String(resolveIssueId(this.state, best.id))] as IssueState;
      this.note({ type: 'updated', issueId: target.id });
    } else {
      target = newIssue(this.state, subjectKey, m.createdAt);
      list.push(target);
      this.bySubject.set(subjectKey, list);
      this.note({ type: 'opened', issueId: target.id });
    }
    applyMember(target, m, 1, this.p);
    this.norms.delete(target.id);
    this.touched.add(target.id);
    this.state.seen[post.id] = [target.id, m.createdAt];
    return target.id;
  }

  /** Merges touched issues into an open issue of the same subject whose centroid converged. */
  mergeConverged(): void {
    for (const id of [...this.touched].sort((a, b) => a - b)) {
      const a = this.state.issues[String(id)];
      if (!a || a.lifecycle !== 'open') continue;
      for (const b of this.bySubject.get(a.subjectKey) ?? []) {
        if (b.id === a.id || b.lifecycle !== 'open' || a.noMergeWith.includes(b.id) || b.noMergeWith.includes(a.id)) continue;
        if (cosine(a.centroid, b.centroid) < this.p.mergeThreshold) continue;
        const [into, from]: [IssueState, IssueState] = a.posts > b.posts || (a.posts === b.posts && a.id < b.id) ? [a, b] : [b, a];
        foldInto(into, from, this.p);
        this.norms.delete(into.id);
        this.touched.add(into.id);
        this.note({ type: 'merged', issueId: from.id, otherId: into.id });
        this.note({ type: 'updated', issueId: into.id });
        if (from === a) break;
      }
    }
  }

  closeStale(now: number, closedBefore: number[]): void {
    for (const id of closedBefore) this.note({ type: 'closed', issueId: id });
    closeStaleIn(this.state, now, this.p, (id) => this.note({ type: 'closed', issueId: id }));
  }

  relabel(): void {
    for (const id of this.touched) {
      const issue = this.state.issues[String(id)];
      if (issue && !issue.labelLocked && issue.lifecycle !== 'merged') issue.label = issueLabel(issue, this.state.surface);
    }
  }
}

export interface GroupResult {
  state: GroupingState;
  assignments: Assignment[];
  changes: IssueChange[];
}

/**
 * Groups a batch of posts (in the order given) into issues.
 * @example groupPosts(emptyGroupingState(), [post], new Date()).assignments // [{ postId: 'p1', issueId: 1 }]
 */
export function groupPosts(state: GroupingState, posts: GroupPost[], now: Date, params: Partial<GroupingParams> = {}): GroupResult {
  return groupPostsInPlace(structuredClone(state), posts, now, params);
}

/**
 * `groupPosts` without the copy: updates `state` itself and returns it. For hot loops (replays,
 * benchmarks) where copying a large state per batch would dominate.
 */
export function groupPostsInPlace(state: GroupingState, posts: GroupPost[], now: Date, params: Partial<GroupingParams> = {}): GroupResult {
  const p = { ...defaultGroupingParams, ...params };
  // Close stale issues first: a post arriving after a long quiet period starts a new issue.
  const closedFirst: number[] = [];
  const batch = new Batch(closeStaleIn(state, now.getTime(), p, (id) => closedFirst.push(id)), p);
  const raw = posts.map((post) => ({ postId: post.id, issueId: batch.assign(post) }));
  batch.mergeConverged();
  batch.closeStale(now.getTime(), closedFirst);
  batch.relabel();
  const s = batch.state;
  // Merges during the batch may have moved posts assigned earlier in it.
  const assignments = raw.map((a) => ({ postId: a.postId, issueId: resolveIssueId(s, a.issueId) }));
  const changes = [...batch.changes.values()].sort((a, b) => a.issueId - b.issueId);
  return { state: s, assignments, changes };
}

/** Drops the replay guard of posts created before `before`, to bound the state; replaying them later would count them again. */
export function forgetPostsBefore(state: GroupingState, before: Date): GroupingState {
  const s = structuredClone(state);
  const t = before.getTime();
  for (const [id, [, at]] of Object.entries(s.seen)) if (at < t) delete s.seen[id];
  return s;
}

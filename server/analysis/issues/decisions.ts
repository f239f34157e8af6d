/**
 * Users' decisions about issues, kept by the engine: rename (the label is locked from then on),
 * status, merge (B into A: posts that match B from now on go to A) and split (chosen posts move
 * to a new issue whose centroid is made of their terms; the two are never merged back
 * automatically). Each returns a new state and leaves the one given untouched.
 */
import { postFeatures, vectorize } from './features';
import { subjectKeyOf } from './grouping';
import { issueLabel } from './labels';
import { applyMember, foldInto, newIssue, resolveIssueId, type Member } from './members';
import { normalizeText } from './text';
import { defaultGroupingParams, type GroupingParams, type GroupingState, type GroupPost, type IssueState, type IssueStatus } from './types';

export class IssueDecisionError extends Error {}

function issueOf(state: GroupingState, id: number): IssueState {
  const issue = state.issues[String(id)];
  if (!issue) throw new IssueDecisionError(`no issue ${id}`);
  return issue;
}

/** @example renameIssue(state, 3, 'housing cracks at plant 2').issues['3'].labelLocked // true */
export function renameIssue(state: GroupingState, id: number, label: string): GroupingState {
  const s = structuredClone(state);
  const issue = issueOf(s, id);
  issue.label = label.trim().slice(0, 200);
  issue.labelLocked = true;
  return s;
}

/** A 'resolved' issue stops receiving posts: the same problem coming back opens a new issue. */
export function setIssueStatus(state: GroupingState, id: number, status: IssueStatus): GroupingState {
  const s = structuredClone(state);
  issueOf(s, id).status = status;
  return s;
}

/** Merges issue `fromId` into `intoId`; `fromId` becomes an alias of `intoId`. */
export function mergeIssues(state: GroupingState, intoId: number, fromId: number, params: Partial<GroupingParams> = {}): GroupingState {
  const p = { ...defaultGroupingParams, ...params };
  const s = structuredClone(state);
  const into = issueOf(s, resolveIssueId(s, intoId) ?? intoId);
  const from = issueOf(s, resolveIssueId(s, fromId) ?? fromId);
  if (into.id === from.id) return s;
  if (into.subjectKey !== from.subjectKey) throw new IssueDecisionError('issues of different subjects cannot merge');
  foldInto(into, from, p);
  into.noMergeWith = into.noMergeWith.filter((x) => x !== from.id);
  // A user merge reopens the target if it had gone quiet.
  into.lifecycle = 'open';
  if (!into.labelLocked) into.label = issueLabel(into, s.surface);
  return s;
}

/**
 * Moves the given posts (as grouped earlier: same id, text, author, subject) out of issue `id`
 * into a new issue. Posts not currently in `id` are ignored. Returns the new issue's id, or null
 * when none of the posts was in the issue.
 */
export function splitIssue(
  state: GroupingState,
  id: number,
  posts: GroupPost[],
  params: Partial<GroupingParams> = {},
): { state: GroupingState; newIssueId: number | null } {
  const p = { ...defaultGroupingParams, ...params };
  const s = structuredClone(state);
  const source = issueOf(s, resolveIssueId(s, id) ?? id);
  const moving = posts.filter((post) => {
    const seen = s.seen[post.id];
    return seen !== undefined && resolveIssueId(s, seen[0]) === source.id;
  });
  if (moving.length === 0) return { state: s, newIssueId: null };
  const created = newIssue(s, subjectKeyOf(moving[0]?.subjectId ?? null), moving[0]?.createdAt.getTime() ?? 0);
  created.firstSeen = Infinity;
  created.lastSeen = -Infinity;
  for (const post of moving) {
    const features = postFeatures(post.text, post.references);
    const m: Member = {
      id: post.id,
      authorId: post.authorId,
      textKey: post.dedupeKey ?? normalizeText(post.text),
      createdAt: post.createdAt.getTime(),
      features,
      vec: vectorize(features, s.df, s.docs),
    };
    applyMember(source, m, -1, p);
    applyMember(created, m, 1, p);
    s.seen[post.id] = [created.id, m.createdAt];
  }
  created.noMergeWith.push(source.id);
  source.noMergeWith.push(created.id);
  created.label = issueLabel(created, s.surface);
  if (!source.labelLocked) source.label = issueLabel(source, s.surface);
  return { state: s, newIssueId: created.id };
}

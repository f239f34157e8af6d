/**
 * One pure step of the pipeline's `derive`: group new posts into issues, then run detection on
 * every bucket that is complete at `now`, and on the bucket still filling as far as it goes (alerts
 * only). Posts of the bucket still filling wait in the state until it completes, when they are learned. The database-backed derive step can call this with each committed batch
 * and store the returned state; the eval and the benchmark replay scenarios through it.
 */
import type { Reference } from '../../../shared/domain';
import { emptyGroupingState, groupPostsInPlace, subjectKeyOf, summarizeIssue, type Assignment, type GroupingState, type GroupPost, type IssueChange } from '../issues';
import { bucketize, type BucketPost } from './bucketize';
import { defaultDetectParams, detectInPlace, emptyDetectState, type DetectParams, type DetectState, type IssueInput, type SourceInput, type SubjectInput } from './engine';
import type { AlertEvent, Sensitivity } from './types';

export interface DerivePost {
  id: string;
  text: string;
  createdAt: Date;
  authorId: string;
  source: string;
  subjectIds: Array<string | number>;
  label: BucketPost['label'];
  /** Complaint or question (see `isGroupable`). */
  groupable: boolean;
  dedupeKey?: string;
  references?: Reference[];
}

interface PendingPost {
  id: string;
  at: number;
  authorId: string;
  source: string;
  label: BucketPost['label'];
  text: string;
  subjects: string[];
  issues: number[];
}

export interface DeriveState {
  grouping: GroupingState;
  detect: DetectState;
  /** Posts of buckets not yet complete. */
  pending: PendingPost[];
  /** Start of the first bucket not yet handed to detection. */
  nextBucket: number | null;
}

export interface DeriveOptions {
  detect?: Partial<DetectParams>;
  sensitivity?: Record<string, Sensitivity>;
  sources?: SourceInput[];
}

export interface DeriveResult {
  /** One per (post, subject) grouped; issueId null for posts that are not complaints or questions. */
  assignments: Array<Assignment & { subjectId: string }>;
  issueChanges: IssueChange[];
  alertEvents: AlertEvent[];
}

export function emptyDeriveState(): DeriveState {
  return { grouping: emptyGroupingState(), detect: emptyDetectState(), pending: [], nextBucket: null };
}

// A post about two subjects is grouped once per subject, under an id that names both.
const SEP = '\u0000';
const groupId = (postId: string, subject: string) => `${postId}${SEP}${subject}`;
const postIdOf = (id: string) => id.split(SEP)[0] as string;

/**
 * Groups `posts` and detects over the buckets completed by `now`. Updates `state` in place
 * (copy it first with structuredClone to keep the old one).
 */
export function deriveStep(state: DeriveState, posts: DerivePost[], now: Date, opts: DeriveOptions = {}): DeriveResult {
  const bm = opts.detect?.bucketMs ?? defaultDetectParams.bucketMs;
  const groupPosts: GroupPost[] = [];
  for (const p of posts) {
    for (const subject of p.subjectIds) {
      groupPosts.push({
        id: groupId(p.id, subjectKeyOf(subject)),
        text: p.text,
        createdAt: p.createdAt,
        authorId: p.authorId,
        subjectId: subject,
        dedupeKey: p.dedupeKey,
        references: p.references,
        isComplaintOrQuestion: p.groupable,
      });
    }
  }
  const g = groupPostsInPlace(state.grouping, groupPosts, now);
  const issuesOf = new Map<string, number[]>();
  for (const a of g.assignments) {
    if (a.issueId === null) continue;
    const id = postIdOf(a.postId);
    const list = issuesOf.get(id) ?? [];
    list.push(a.issueId);
    issuesOf.set(id, list);
  }
  // A replayed post is already pending, or already counted (its bucket was judged): skip it.
  const pendingIds = new Set(state.pending.map((p) => p.id));
  for (const p of posts) {
    if (pendingIds.has(p.id) || (state.nextBucket !== null && p.createdAt.getTime() < state.nextBucket)) continue;
    pendingIds.add(p.id);
    state.pending.push({
      id: p.id,
      at: p.createdAt.getTime(),
      authorId: p.authorId,
      source: p.source,
      label: p.label,
      text: p.text,
      subjects: p.subjectIds.map(subjectKeyOf),
      issues: issuesOf.get(p.id) ?? [],
    });
  }

  const boundary = Math.floor(now.getTime() / bm) * bm;
  const complete = state.pending.filter((p) => p.at < boundary);
  state.pending = state.pending.filter((p) => p.at >= boundary);
  state.nextBucket = Math.max(state.nextBucket ?? boundary, boundary);

  const bySubject = new Map<string, BucketPost[]>();
  const byIssue = new Map<number, BucketPost[]>();
  // The bucket still filling goes along too: detection judges it without learning it.
  for (const p of [...complete, ...state.pending]) {
    const bp: BucketPost = { id: p.id, createdAt: new Date(p.at), authorId: p.authorId, source: p.source, label: p.label, text: p.text };
    for (const s of p.subjects) (bySubject.get(s) ?? bySubject.set(s, []).get(s))?.push(bp);
    for (const i of p.issues) (byIssue.get(i) ?? byIssue.set(i, []).get(i))?.push(bp);
  }
  const subjects: SubjectInput[] = [...bySubject].map(([subjectId, ps]) => ({ subjectId, sensitivity: opts.sensitivity?.[subjectId], buckets: bucketize(ps, bm) }));
  const issues: IssueInput[] = [...byIssue].map(([issueId, ps]) => {
    const sum = summarizeIssue(state.grouping, issueId, now);
    return {
      issueId,
      subjectId: sum?.subjectKey ?? '_',
      firstSeen: sum?.firstSeen,
      label: sum?.label ?? null,
      topTerms: sum?.keyTerms ?? [],
      representativePostIds: (sum?.representativePostIds ?? []).map(postIdOf),
      buckets: bucketize(ps, bm),
    };
  });
  const d = detectInPlace(state.detect, { subjects, issues, sources: opts.sources }, now, opts.detect);
  return {
    assignments: g.assignments.map((a) => ({ postId: postIdOf(a.postId), subjectId: a.postId.split(SEP)[1] ?? '_', issueId: a.issueId })),
    issueChanges: g.changes,
    alertEvents: d.events,
  };
}

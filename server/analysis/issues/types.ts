/**
 * The shapes of online issue grouping. Everything here is plain JSON so the derive step can
 * store the state (one jsonb value, or one row per issue) and load it again after a restart.
 */
import type { Reference } from '../../../shared/domain';

/** One post as grouping needs it. The caller decides `isComplaintOrQuestion` (see `isGroupable`). */
export interface GroupPost {
  id: string;
  text: string;
  createdAt: Date;
  authorId: string;
  subjectId: string | number | null;
  /** Near-duplicate key (simhash...); copy-paste campaigns share it. Defaults to the normalized text. */
  dedupeKey?: string;
  /** References quoted by the post; when absent, a small built-in extractor looks for lot/batch/part/invoice/flight numbers. */
  references?: Reference[];
  isComplaintOrQuestion: boolean;
}

/** Users' status values (the `issues.status` column). */
export type IssueStatus = 'new' | 'watching' | 'acknowledged' | 'resolved';

/** Whether the engine still routes posts to the issue. */
export type IssueLifecycle = 'open' | 'closed' | 'merged';

/** Sparse term vector: feature -> weight. Features: stems, `a b` bigrams, `#concept`. */
export type Vec = Record<string, number>;

export interface RepresentativeCandidate {
  id: string;
  textKey: string;
  vec: Vec;
}

export interface IssueState {
  id: number;
  subjectKey: string;
  label: string;
  labelLocked: boolean;
  status: IssueStatus;
  lifecycle: IssueLifecycle;
  /** Set when lifecycle is 'merged': posts that match this issue go there instead. */
  mergedInto: number | null;
  /** Sum of the members' unit vectors (pruned to the strongest features). */
  centroid: Vec;
  /** Concept id -> posts naming it. */
  concepts: Record<string, number>;
  /** `type:value` -> posts quoting it. */
  refs: Record<string, number>;
  posts: number;
  /** Author id -> posts; its size is the distinct authors. */
  authors: Record<string, number>;
  /** Dedupe key -> posts; its size is the distinct texts. */
  texts: Record<string, number>;
  firstSeen: number;
  lastSeen: number;
  /** Bucket start (ms, as a string key) -> posts, for growth; pruned to the last two growth windows. */
  timeline: Record<string, number>;
  /** A small pool of distinct-text members, from which the most typical are shown. */
  candidates: RepresentativeCandidate[];
  /** Issues a user split this one from: never merged back automatically. */
  noMergeWith: number[];
}

export interface GroupingState {
  version: 1;
  nextId: number;
  /** Documents seen, for inverse document frequencies learned online. */
  docs: number;
  df: Record<string, number>;
  /** Stem -> the first surface word seen for it, so key terms read as words ("delivered", not "deliver"). */
  surface: Record<string, string>;
  issues: Record<string, IssueState>;
  /** Post id -> [issue id or null, created at ms]: makes a replayed post a no-op. Prune with `forgetPostsBefore`. */
  seen: Record<string, [number | null, number]>;
}

export interface GroupingParams {
  /** Minimum similarity for a post to join an open issue. */
  joinThreshold: number;
  /** Centroid cosine above which two open issues of a subject merge. */
  mergeThreshold: number;
  /** An open issue with no post for this long closes. */
  staleAfterMs: number;
  /** Growth compares posts in the last window with the window before. */
  growthWindowMs: number;
  timelineBucketMs: number;
  /** Bonus added to the similarity when the post quotes a reference the issue's posts share. */
  referenceBonus: number;
  /** Multiplier when the post and the issue name different problems. */
  conflictFactor: number;
  maxCentroidTerms: number;
  maxCandidates: number;
}

export const defaultGroupingParams: GroupingParams = {
  joinThreshold: 0.3,
  mergeThreshold: 0.72,
  staleAfterMs: 7 * 86_400_000,
  growthWindowMs: 6 * 3_600_000,
  timelineBucketMs: 15 * 60_000,
  referenceBonus: 0.35,
  conflictFactor: 0.3,
  maxCentroidTerms: 60,
  maxCandidates: 12,
};

export interface IssueChange {
  type: 'opened' | 'updated' | 'merged' | 'closed' | 'split' | 'renamed' | 'status';
  issueId: number;
  /** For 'merged': the issue it went into; for 'split': the issue the posts came from. */
  otherId?: number;
}

export interface Assignment {
  postId: string;
  issueId: number | null;
}

/** What a user or the dashboard sees of an issue. */
export interface IssueSummary {
  id: number;
  subjectKey: string;
  label: string;
  keyTerms: string[];
  sharedReferences: Reference[];
  firstSeen: Date;
  lastSeen: Date;
  posts: number;
  distinctTexts: number;
  distinctAuthors: number;
  /** Posts in the last growth window vs the one before: { last, previous, ratio } (ratio null when previous is 0). */
  growth: { last: number; previous: number; ratio: number | null };
  representativePostIds: string[];
  status: IssueStatus;
  lifecycle: IssueLifecycle;
  mergedInto: number | null;
}

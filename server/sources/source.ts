/**
 * The one interface every source implements (DESIGN.md "Sources are plugins").
 *
 * A source only fetches and normalizes; it never touches the database. The ingester
 * (server/pipeline/ingest.ts) owns the unit of work: it stores a batch's posts and the
 * batch's cursor in ONE transaction, so a crash at any instant loses and doubles nothing.
 */
import type { Clock } from '../clock';
import type { SourceHealthTracker } from './health';

export type PostKind = 'original' | 'reply' | 'quote' | 'repost';

/** A post as every source hands it over, before analysis. Text is untrusted plain text. */
export interface NormalizedPost {
  /** Source instance id, e.g. 'x', 'demo', 'bluesky', 'mastodon:mastodon.social', 'rss:acme-news'. */
  source: string;
  /** Id in the source's own namespace; `(source, nativeId)` is the natural key. */
  nativeId: string;
  url: string | null;
  author: { id: string; handle: string | null; name: string | null; followers: number | null };
  createdAt: Date;
  text: string;
  /** BCP-47-ish language code when the network says it, else null (analysis detects). */
  lang: string | null;
  kind: PostKind;
  /** Native id of the post this one replies to or quotes. */
  parentNativeId: string | null;
  /** Native id of the original when kind is 'repost'. */
  repostOfNativeId: string | null;
  metrics: Record<string, number> | null;
}

/** JSON-serializable position in a source (X since_id, Jetstream time_us, Mastodon min_id, file offset...). */
export type Cursor = Record<string, unknown> | null;

/** A post whose text changed at the network: same source and native id, a newer version. */
export interface PostEdit {
  post: NormalizedPost;
  /** When the network made this version; an edit no newer than the stored version changes nothing. */
  editedAt: Date;
}

export interface SourceBatch {
  posts: NormalizedPost[];
  /** Native ids the network says were deleted. */
  deletes?: string[];
  /** Edits, applied after the batch's posts are stored and before its deletions. */
  edits?: PostEdit[];
  /** The cursor that covers everything in this batch; saved in the same transaction as the posts. */
  cursor: Cursor;
}

export interface SourceContext {
  clock: Clock;
  health: SourceHealthTracker;
  signal: AbortSignal;
}

/** Polled APIs and files: the runner calls `pull` again after `intervalMs` (or at once while `more`). */
export interface PolledSource {
  readonly type: 'polled';
  readonly id: string;
  /** Keep only posts some subject's query matches (broad sources: news feeds, hashtags); default false. */
  readonly matchedOnly?: boolean;
  readonly intervalMs: number;
  pull(cursor: Cursor, ctx: SourceContext): Promise<SourceBatch & { more: boolean }>;
}

/**
 * Push feeds: `run` connects, reconnects with capped backoff and jitter on its own, and awaits
 * `emit` for each batch (back-pressure: it must not emit the next batch before the previous one
 * resolved). It returns only when `ctx.signal` aborts.
 */
export interface StreamSource {
  readonly type: 'stream';
  readonly id: string;
  /** Keep only posts some subject's query matches; default false. */
  readonly matchedOnly?: boolean;
  run(cursor: Cursor, emit: (batch: SourceBatch) => Promise<void>, ctx: SourceContext): Promise<void>;
}

export type Source = PolledSource | StreamSource;

/**
 * An RSS/Atom feed as a polled source (news, blogs, review sites, status pages): a conditional GET
 * every `intervalSeconds`, the entries it has not seen before as posts, matched to subjects by the
 * pipeline like any other post. The cursor carries the HTTP validators and a bounded set of seen
 * entry keys; the runner stores it in the same transaction as the posts. A failure (404, 500, an
 * HTML page, an oversized or silent server) throws a clear error: the runner records it on the
 * source's health and backs off.
 */
import type { RssSourceConfig, SourceTestResult } from '../../../shared/api/sources';
import { errorMessage } from '../health';
import type { SourceKindDefinition } from '../registry';
import type { Cursor, PolledSource, SourceBatch, SourceContext } from '../source';
import { parseFeedDocument } from './feed-document';
import { DEFAULT_FEED_LIMITS, fetchFeed, type FeedLimits } from './feed-fetch';
import { feedToPosts, mergeSeen } from './feed-posts';
import { htmlToText } from './html-text';

export interface RssCursor {
  etag: string | null;
  lastModified: string | null;
  /** Keys of recently served entries (see feed-posts.ts seenKey), newest document first. */
  seen: string[];
  fetchedAt: string | null;
}

export class RssSource implements PolledSource {
  readonly type = 'polled';
  /** A feed carries much that is about none of the subjects; only matching entries are stored. */
  readonly matchedOnly = true;
  readonly intervalMs: number;
  private readonly limits: FeedLimits;

  constructor(
    readonly id: string,
    private readonly config: Pick<RssSourceConfig, 'feedUrl' | 'intervalSeconds'>,
    limits: Partial<FeedLimits> = {},
  ) {
    this.intervalMs = config.intervalSeconds * 1000;
    this.limits = { ...DEFAULT_FEED_LIMITS, ...limits };
  }

  async pull(cursor: Cursor, ctx: SourceContext): Promise<SourceBatch & { more: boolean }> {
    const state = readCursor(cursor);
    const fetchedAt = ctx.clock.now();
    const response = await fetchFeed(this.config.feedUrl, state, this.limits, ctx.signal);
    if (response.notModified) {
      ctx.health.recordCursorTime(fetchedAt);
      return { posts: [], cursor: { ...state, ...response.validators, fetchedAt: fetchedAt.toISOString() }, more: false };
    }
    const doc = parseFeedDocument(response.body, response.contentType);
    const { posts, skipped, keys } = feedToPosts(doc, { sourceId: this.id, feedUrl: this.config.feedUrl, fetchedAt, seen: new Set(state.seen) });
    if (skipped > 0) ctx.health.count('skipped_entries', skipped);
    ctx.health.recordCursorTime(fetchedAt);
    const next: RssCursor = { ...response.validators, seen: mergeSeen(keys, state.seen), fetchedAt: fetchedAt.toISOString() };
    return { posts, cursor: { ...next }, more: false };
  }
}

/** A saved cursor of any shape (an older version, or none) reads as a safe starting point. */
export function readCursor(cursor: Cursor): RssCursor {
  const c = cursor ?? {};
  const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 1000 ? v : null);
  const seen = Array.isArray(c.seen) ? c.seen.filter((k): k is string => typeof k === 'string') : [];
  return { etag: text(c.etag), lastModified: text(c.lastModified), seen, fetchedAt: text(c.fetchedAt) };
}

/** The connection test: one unconditional fetch, described for a person. */
export async function testFeed(feedUrl: string, limits: Partial<FeedLimits> = {}): Promise<SourceTestResult> {
  try {
    const response = await fetchFeed(feedUrl, { etag: null, lastModified: null }, { ...DEFAULT_FEED_LIMITS, timeoutMs: 15_000, ...limits });
    if (response.notModified) return { ok: false, message: 'the feed server answered 304 Not Modified to a request without validators' };
    const doc = parseFeedDocument(response.body, response.contentType);
    const count = doc.entries.length;
    const title = doc.title ? ` '${htmlToText(doc.title).replace(/\s+/g, ' ').slice(0, 120)}'` : '';
    const bad = doc.malformed.length ? ` (${doc.malformed.length} malformed, skipped)` : '';
    return { ok: true, message: `${doc.format} feed${title} with ${count} ${count === 1 ? 'entry' : 'entries'}${bad}` };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

export const rssSourceKind: SourceKindDefinition<'rss'> = {
  create: (id, config) => new RssSource(id, config),
  test: (config) => testFeed(config.feedUrl),
};

/**
 * Feed entries as posts: one NormalizedPost per entry, with a stable native id, plain text only,
 * an http(s) link or none, and the entries this source has already seen left out (feeds re-serve
 * the same entries on every poll; ingest would ignore them, but analysing them again is waste).
 */
import { createHash } from 'node:crypto';
import type { NormalizedPost } from '../source';
import type { FeedDocument, FeedEntry } from './feed-document';
import { htmlToText, truncateText } from './html-text';

/** How many entry keys a cursor keeps at least; more when the feed itself is longer. */
export const SEEN_LIMIT = 1000;
const MAX_SUMMARY = 4000;
const MAX_TITLE = 500;
const MAX_NATIVE_ID = 400;

export interface FeedPostsContext {
  sourceId: string;
  feedUrl: string;
  /** Fallback time for entries without a date; dates after it are clamped to it. */
  fetchedAt: Date;
  seen: ReadonlySet<string>;
}

export interface FeedPosts {
  posts: NormalizedPost[];
  /** Entries that could not become a post (malformed, or with neither a title nor a summary). */
  skipped: number;
  /** Keys of every entry in this document (bad ones too), to remember in the cursor. */
  keys: string[];
}

export function feedToPosts(doc: FeedDocument, ctx: FeedPostsContext): FeedPosts {
  const posts: NormalizedPost[] = [];
  const keys = new Set<string>();
  let skipped = 0;
  // A bad entry is re-served on every poll like a good one; remembering its key counts it once.
  for (const fingerprint of doc.malformed) {
    const key = seenKey(fingerprint);
    if (!keys.has(key) && !ctx.seen.has(key)) skipped++;
    keys.add(key);
  }
  const author = feedAuthor(doc, ctx.feedUrl);
  const lang = languageCode(doc.language);
  for (const entry of doc.entries) {
    const post = entryToPost(entry, { ...ctx, author, lang, base: doc.siteUrl ?? ctx.feedUrl });
    const key = seenKey(post?.nativeId ?? `bad:${JSON.stringify(entry)}`);
    if (keys.has(key)) continue;
    keys.add(key);
    if (ctx.seen.has(key)) continue;
    if (post) posts.push(post);
    else skipped++;
  }
  return { posts, skipped, keys: [...keys] };
}

interface EntryContext extends FeedPostsContext {
  author: NormalizedPost['author'];
  lang: string | null;
  base: string;
}

/** Null when the entry has nothing to read (no title and no summary or content). */
export function entryToPost(entry: FeedEntry, ctx: EntryContext): NormalizedPost | null {
  const title = truncateText(htmlToText(entry.title ?? ''), MAX_TITLE);
  const summary = truncateText(htmlToText(entry.summary ?? entry.content ?? ''), MAX_SUMMARY);
  const text = title && summary && !summary.startsWith(title) ? `${title}\n\n${summary}` : summary || title;
  if (!text) return null;
  const url = httpUrl(entry.url, ctx.base);
  const id = entry.id?.trim() || url;
  const nativeId = id && id.length <= MAX_NATIVE_ID ? id : `sha256:${digest(id ?? `${title}\n${(entry.published ?? entry.updated)?.toISOString() ?? summary}`)}`;
  const date = entry.published ?? entry.updated;
  const createdAt = date && !Number.isNaN(date.getTime()) && date <= ctx.fetchedAt ? date : ctx.fetchedAt;
  const author = entry.author ? { ...ctx.author, id: `${ctx.author.id}/${entry.author}`.slice(0, 300), name: entry.author.slice(0, 200) } : ctx.author;
  return {
    source: ctx.sourceId,
    nativeId,
    url,
    author,
    createdAt,
    text,
    lang: ctx.lang,
    kind: 'original',
    parentNativeId: null,
    repostOfNativeId: null,
    metrics: null,
  };
}

/**
 * The site is the author: its host name is the handle, so `from:news.acme.com` finds its entries;
 * a named writer is kept as the author's name.
 */
function feedAuthor(doc: FeedDocument, feedUrl: string): NormalizedPost['author'] {
  const host = hostOf(doc.siteUrl) ?? hostOf(feedUrl) ?? feedUrl;
  const name = doc.title ? htmlToText(doc.title).slice(0, 200) || null : null;
  return { id: host, handle: host, name, followers: null };
}

/** Only http(s) links survive: a `javascript:` or `data:` link in a feed must never become clickable. */
export function httpUrl(raw: string | null, base: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** 'en-US' → 'en'; anything that is not a language tag → null (analysis detects the language). */
export function languageCode(raw: string | null): string | null {
  const primary = raw?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

/** Short, fixed-size keys keep the cursor small however long the feed's ids are. */
export function seenKey(nativeId: string): string {
  return digest(nativeId).slice(0, 16);
}

/** The current document's keys first, then older ones, bounded; keys still in the feed are never evicted. */
export function mergeSeen(current: string[], previous: readonly string[]): string[] {
  const limit = Math.max(SEEN_LIMIT, current.length);
  const merged = new Set(current);
  for (const key of previous) {
    if (merged.size >= limit) break;
    merged.add(key);
  }
  return [...merged];
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

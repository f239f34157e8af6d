/**
 * A feed body (RSS 0.9x/2.0, RSS 1.0 RDF or Atom) parsed with @rowanmanning/feed-parser into the
 * few fields Earshot needs. The parser is lenient (it reads most broken feeds), but one entry with
 * an unclosed tag can swallow every entry after it; when the document holds more entries than the
 * parser returned, each entry is parsed on its own so one bad entry costs only itself.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';

export interface FeedEntry {
  id: string | null;
  title: string | null;
  /** The summary (RSS description, Atom summary), HTML as published. */
  summary: string | null;
  /** The full content when the feed carries it, HTML as published. */
  content: string | null;
  url: string | null;
  published: Date | null;
  updated: Date | null;
  author: string | null;
}

export interface FeedDocument {
  /** 'RSS 2.0', 'RSS 1.0 (RDF)', 'Atom'... for people. */
  format: string;
  title: string | null;
  /** The site the feed belongs to. */
  siteUrl: string | null;
  language: string | null;
  entries: FeedEntry[];
  /** Entries present in the document that could not be read at all, each as a fingerprint of its raw text. */
  malformed: string[];
}

/** The feed is not a feed: an HTML page, JSON, or XML of another kind. */
export class FeedFormatError extends Error {}

type ParsedFeed = ReturnType<typeof parseFeed>;
type ParsedItem = ParsedFeed['items'][number];

export function parseFeedDocument(body: string, contentType: string | null): FeedDocument {
  const text = body.replace(/^\uFEFF/, '');
  if (looksLikeHtml(text, contentType)) {
    throw new FeedFormatError('the feed URL returned an HTML page, not an RSS or Atom feed; check the URL');
  }
  let feed: ParsedFeed;
  try {
    feed = parseFeed(text);
  } catch (error) {
    const detail = (error as { code?: string }).code === 'INVALID_FEED' ? '' : `: ${(error as Error).message}`;
    throw new FeedFormatError(`the response is not an RSS or Atom feed${detail}`);
  }
  memoizeFeedFields(feed);
  const format = formatName(feed.meta);
  const inDocument = countEntryTags(text, feed.meta.type);
  const { entries, malformed } = inDocument > feed.items.length ? readEntriesOneByOne(text, feed.meta.type) : readItems(feed.items);
  return { format, title: safe(() => feed.title), siteUrl: safe(() => feed.url), language: safe(() => feed.language), entries, malformed };
}

/**
 * Each entry's `url` and `authors` getters read the feed's own `url`/`authors`, which walk every
 * child of the channel: quadratic, 2.5 s for a 1,000-entry feed. Reading them once and keeping the
 * values on the instance (shadowing the prototype getters) makes that 40 ms.
 */
function memoizeFeedFields(feed: ParsedFeed): void {
  for (const field of ['url', 'authors', 'categories'] as const) {
    const value = safe(() => feed[field]) ?? (field === 'url' ? null : []);
    Object.defineProperty(feed, field, { value, configurable: true });
  }
}

function looksLikeHtml(text: string, contentType: string | null): boolean {
  const head = text.slice(0, 1024).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return true;
  // Servers label feeds text/html often enough that the label alone only counts without an XML start.
  return !!contentType?.toLowerCase().startsWith('text/html') && !head.startsWith('<?xml') && !/^<(rss|feed|rdf:rdf)\b/.test(head);
}

function formatName(meta: ParsedFeed['meta']): string {
  if (meta.type === 'atom') return 'Atom';
  if (meta.type === 'rdf' || meta.version === '1.0') return 'RSS 1.0 (RDF)';
  return meta.version ? `RSS ${meta.version}` : 'RSS';
}

function readItems(items: ParsedItem[]): { entries: FeedEntry[]; malformed: string[] } {
  const entries: FeedEntry[] = [];
  const malformed: string[] = [];
  for (const [index, item] of items.entries()) {
    const entry = readItem(item);
    if (entry) entries.push(entry);
    else malformed.push(`bad-item:${index}:${safe(() => JSON.stringify(item.element)) ?? ''}`);
  }
  return { entries, malformed };
}

/** The parser's getters walk the XML lazily; a pathological element makes one throw, which skips that entry. */
function readItem(item: ParsedItem): FeedEntry | null {
  try {
    return {
      id: item.id,
      title: item.title,
      summary: item.description,
      content: item.content,
      url: item.url,
      published: item.published,
      updated: item.updated,
      author: item.authors.find((a) => a.name)?.name ?? null,
    };
  } catch {
    return null;
  }
}

const ENTRY_TAG = { atom: 'entry', rss: 'item', rdf: 'item' } as const;

function entryTag(type: string): 'entry' | 'item' {
  return ENTRY_TAG[type as keyof typeof ENTRY_TAG] ?? 'item';
}

function countEntryTags(text: string, type: string): number {
  return text.match(new RegExp(`<${entryTag(type)}(?=[\\s>/])`, 'g'))?.length ?? 0;
}

/**
 * Recovery for structurally broken documents: each `<item>`/`<entry>` element is checked by the XML
 * validator and parsed by the feed parser inside a minimal envelope of the same format; an entry
 * that is not well-formed XML is counted as malformed and skipped. Only the boundaries are found
 * here; the parsing stays with the libraries.
 */
function readEntriesOneByOne(text: string, type: string): { entries: FeedEntry[]; malformed: string[] } {
  const tag = entryTag(type);
  const entries: FeedEntry[] = [];
  const malformed: string[] = [];
  for (const match of text.matchAll(new RegExp(`<${tag}(?=[\\s>/])[\\s\\S]*?(?:</${tag}\\s*>|(?=<${tag}[\\s>/])|$)`, 'g'))) {
    const chunk = match[0];
    const entry = XMLValidator.validate(chunk) === true ? readChunk(type, chunk) : null;
    if (entry) entries.push(entry);
    else malformed.push(`bad-xml:${chunk}`);
  }
  return { entries, malformed };
}

function readChunk(type: string, chunk: string): FeedEntry | null {
  try {
    const item = parseFeed(envelope(type, chunk)).items[0];
    return item ? readItem(item) : null;
  } catch {
    return null;
  }
}

function envelope(type: string, chunk: string): string {
  if (type === 'atom') return `<feed xmlns="http://www.w3.org/2005/Atom">${chunk}</feed>`;
  if (type === 'rdf') {
    return `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">${chunk}</rdf:RDF>`;
  }
  return `<rss version="2.0"><channel>${chunk}</channel></rss>`;
}

function safe<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

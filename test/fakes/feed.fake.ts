/**
 * A feed server on 127.0.0.1 whose content and behaviour the test controls, path by path: RSS 2.0
 * and Atom documents with ETag and/or Last-Modified (answering 304 to a matching conditional GET,
 * If-None-Match first as RFC 9110 says), error statuses, an HTML page, a huge body streamed with
 * back-pressure (never held in memory), a server that never answers. Every request is recorded with
 * its conditional headers and the status it got.
 */
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export type FeedBehaviour =
  | { kind: 'feed'; body: string; contentType?: string; etag?: boolean; lastModified?: Date | null }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'html' }
  /** A well-formed start of an RSS document followed by `bytes` of items, streamed in 64 KB chunks. */
  | { kind: 'huge'; bytes: number; contentLength?: boolean; gzip?: boolean }
  /** Never answers; with `afterHeaders`, sends the headers and the start of a feed, then nothing. */
  | { kind: 'hang'; afterHeaders?: boolean };

export interface FeedRequest {
  path: string;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  userAgent: string | null;
  /** The status answered; null while the request hangs or when the client went away first. */
  status: number | null;
}

export interface FakeFeedServer {
  url(path: string): string;
  set(path: string, behaviour: FeedBehaviour): void;
  readonly requests: FeedRequest[];
  /** Requests to `path` so far, and how many were answered 304 / 200. */
  count(path: string): { requests: number; notModified: number; ok: number };
  /** Bytes of huge bodies actually written to sockets, per path. */
  bytesSent(path: string): number;
  close(): Promise<void>;
}

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Acme — Page not found</title></head><body><h1>Oops</h1><p>Try our <a href="/">home page</a>.</p></body></html>';

export async function startFakeFeedServer(): Promise<FakeFeedServer> {
  const behaviours = new Map<string, FeedBehaviour & { etagValue?: string }>();
  const requests: FeedRequest[] = [];
  const sent = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const record: FeedRequest = {
      path,
      ifNoneMatch: header(req.headers['if-none-match']),
      ifModifiedSince: header(req.headers['if-modified-since']),
      userAgent: header(req.headers['user-agent']),
      status: null,
    };
    requests.push(record);
    const b = behaviours.get(path);
    const answer = (status: number, headers: Record<string, string | number>, body?: string) => {
      record.status = status;
      res.writeHead(status, headers).end(body);
    };
    if (!b) return answer(404, { 'content-type': 'text/plain' }, 'no such feed');
    switch (b.kind) {
      case 'feed': {
        const headers: Record<string, string> = { 'content-type': b.contentType ?? 'application/rss+xml; charset=utf-8' };
        if (b.etagValue) headers.etag = b.etagValue;
        if (b.lastModified) headers['last-modified'] = b.lastModified.toUTCString();
        if (notModified(record, b.etagValue ?? null, b.lastModified ?? null)) return answer(304, headers);
        return answer(200, headers, b.body);
      }
      case 'status':
        return answer(b.status, { 'content-type': 'text/plain' }, b.body ?? `status ${b.status}`);
      case 'html':
        return answer(200, { 'content-type': 'text/html; charset=utf-8' }, HTML_PAGE);
      case 'huge': {
        record.status = 200;
        const onSent = (n: number) => sent.set(path, (sent.get(path) ?? 0) + n);
        return void (b.gzip ? streamGzipBomb(res, b.bytes, onSent) : streamHuge(res, b.bytes, b.contentLength ?? false, onSent));
      }
      case 'hang':
        if (b.afterHeaders) {
          record.status = 200;
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Stalled</title><item><title>half');
        }
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, behaviour) => {
      const etagValue = behaviour.kind === 'feed' && behaviour.etag !== false ? `"${createHash('sha1').update(behaviour.body).digest('hex').slice(0, 20)}"` : undefined;
      behaviours.set(path, { ...behaviour, etagValue });
    },
    requests,
    count: (path) => {
      const mine = requests.filter((r) => r.path === path);
      return { requests: mine.length, notModified: mine.filter((r) => r.status === 304).length, ok: mine.filter((r) => r.status === 200).length };
    },
    bytesSent: (path) => sent.get(path) ?? 0,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function notModified(req: FeedRequest, etag: string | null, lastModified: Date | null): boolean {
  if (req.ifNoneMatch !== null) return etag !== null && req.ifNoneMatch.split(',').some((t) => t.trim() === etag);
  if (req.ifModifiedSince !== null && lastModified) {
    const since = Date.parse(req.ifModifiedSince);
    return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

/** Writes `bytes` of a feed in chunks, waiting for 'drain', and stops as soon as the client goes away. */
async function streamHuge(res: ServerResponse, bytes: number, withLength: boolean, onSent: (n: number) => void): Promise<void> {
  const head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>';
  const item = '<item><title>filler entry</title><description>padding padding padding</description></item>\n';
  const chunk = Buffer.from(item.repeat(Math.ceil(65_536 / item.length)));
  res.writeHead(200, { 'content-type': 'application/rss+xml', ...(withLength ? { 'content-length': bytes + head.length } : {}) });
  let closed = false;
  let wakeUp: (() => void) | null = null;
  res.on('close', () => {
    closed = true;
    wakeUp?.();
  });
  res.on('drain', () => wakeUp?.());
  res.write(head);
  for (let written = 0; written < bytes && !closed; ) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    written += piece.length;
    onSent(piece.length);
    if (!res.write(piece)) await new Promise<void>((resolve) => (wakeUp = resolve));
    wakeUp = null;
  }
  if (!closed) res.end();
}

/** `bytes` of feed compressed with gzip: a few hundred KB on the wire that inflate to all of it. */
async function streamGzipBomb(res: ServerResponse, bytes: number, onSent: (n: number) => void): Promise<void> {
  const chunk = Buffer.from('<item><title>filler entry</title></item>\n'.repeat(1600));
  async function* body() {
    yield Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title>');
    for (let written = 0; written < bytes; written += chunk.length) {
      onSent(chunk.length);
      yield chunk;
    }
  }
  res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
  // The client hanging up mid-stream ends the pipeline with an error; that is the expected outcome.
  await pipeline(Readable.from(body()), createGzip(), res).catch(() => {});
}

export interface FeedItemSpec {
  id?: string;
  title?: string;
  /** HTML, escaped into the document as RSS and Atom carry it. */
  description?: string;
  link?: string;
  published?: Date;
  author?: string;
}

export function rssFeed(feed: { title: string; link?: string; language?: string; items: FeedItemSpec[]; extraItemsXml?: string }): string {
  const items = feed.items.map(
    (i) =>
      `<item>${tag('title', i.title)}${tag('link', i.link)}${tag('guid', i.id)}${tag('description', i.description)}${tag('dc:creator', i.author)}${i.published ? tag('pubDate', i.published.toUTCString()) : ''}</item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>${tag('title', feed.title)}${tag('link', feed.link)}${tag('language', feed.language)}
${items.join('\n')}
${feed.extraItemsXml ?? ''}
</channel></rss>`;
}

export function atomFeed(feed: { title: string; link?: string; language?: string; items: FeedItemSpec[] }): string {
  const entries = feed.items.map(
    (i) =>
      `<entry>${tag('id', i.id)}<title type="html">${escapeXml(i.title ?? '')}</title>${i.link ? `<link rel="alternate" href="${escapeXml(i.link)}"/>` : ''}${i.description ? `<summary type="html">${escapeXml(i.description)}</summary>` : ''}${i.author ? `<author><name>${escapeXml(i.author)}</name></author>` : ''}${i.published ? tag('published', i.published.toISOString()) + tag('updated', i.published.toISOString()) : ''}</entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"${feed.language ? ` xml:lang="${escapeXml(feed.language)}"` : ''}>${tag('title', feed.title)}${feed.link ? `<link href="${escapeXml(feed.link)}"/>` : ''}<id>urn:fake:feed</id><updated>2026-03-01T00:00:00Z</updated>
${entries.join('\n')}
</feed>`;
}

function tag(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decode, fetchFeed, FeedFetchError, type FeedLimits } from '../../server/sources/rss/feed-fetch';
import { systemClock } from '../../server/clock';
import { createLogger } from '../../server/logger';
import { sourceKinds, type SourceDeps } from '../../server/sources/registry';
import { testFeed } from '../../server/sources/rss/rss.source';
import { rssFeed, startFakeFeedServer, type FakeFeedServer } from '../fakes/feed.fake';

const limits: FeedLimits = { timeoutMs: 2_000, maxBytes: 1024 * 1024 };
const none = { etag: null, lastModified: null };
const deps: SourceDeps = { clock: systemClock, logger: createLogger('silent'), subjects: async () => [] };
let fake: FakeFeedServer;

beforeAll(async () => {
  fake = await startFakeFeedServer();
});
afterAll(async () => {
  await fake.close();
});

describe('fetchFeed', () => {
  test('a first GET has no validators; the ETag and Last-Modified it returns make the next GET conditional and a 304', async () => {
    const lastModified = new Date('2026-03-01T08:00:00Z');
    fake.set('/cond.xml', { kind: 'feed', body: rssFeed({ title: 'C', items: [{ id: '1', title: 'one' }] }), lastModified });
    const first = await fetchFeed(fake.url('/cond.xml'), none, limits);
    expect(first.notModified).toBe(false);
    expect(first.validators.etag).toMatch(/^".+"$/);
    expect(first.validators.lastModified).toBe(lastModified.toUTCString());

    const second = await fetchFeed(fake.url('/cond.xml'), first.validators, limits);
    expect(second).toEqual({ notModified: true, validators: first.validators });
    const [a, b] = fake.requests.filter((r) => r.path === '/cond.xml');
    expect(a).toMatchObject({ ifNoneMatch: null, ifModifiedSince: null, status: 200 });
    expect(b).toMatchObject({ ifNoneMatch: first.validators.etag, ifModifiedSince: lastModified.toUTCString(), status: 304 });
  });

  test.each([
    [404, /answered 404 Not Found/],
    [500, /answered 500 Internal Server Error/],
    [503, /answered 503/],
  ])('a %i is a FeedFetchError naming the status', async (status, message) => {
    fake.set(`/status-${status}`, { kind: 'status', status });
    const error = await fetchFeed(fake.url(`/status-${status}`), none, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFetchError);
    expect((error as Error).message).toMatch(message);
  });

  test('a server that never answers costs the timeout, then a clear error', async () => {
    fake.set('/hang', { kind: 'hang' });
    const error = await fetchFeed(fake.url('/hang'), none, { ...limits, timeoutMs: 150 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('the feed server did not answer within 150 ms');
  });

  test('a server that sends its headers and then stalls mid-body costs the timeout too', async () => {
    fake.set('/stall', { kind: 'hang', afterHeaders: true });
    const error = await fetchFeed(fake.url('/stall'), none, { ...limits, timeoutMs: 150 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('the feed server did not answer within 150 ms');
  });

  test('a body past the cap is aborted while streaming, long before the server has sent it all', async () => {
    fake.set('/huge', { kind: 'huge', bytes: 50 * 1024 * 1024 });
    const error = await fetchFeed(fake.url('/huge'), none, limits).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/larger than the 1 MB limit \(the body went past it\)/);
    // Socket buffers let a few MB more out before the abort lands; far from the 50 MB on offer.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.bytesSent('/huge')).toBeLessThan(10 * 1024 * 1024);
  });

  test('a gzip bomb is capped by its inflated size, not its size on the wire', async () => {
    fake.set('/bomb', { kind: 'huge', bytes: 50 * 1024 * 1024, gzip: true });
    const error = await fetchFeed(fake.url('/bomb'), none, limits).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/larger than the 1 MB limit \(the body went past it\)/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.bytesSent('/bomb')).toBeLessThan(50 * 1024 * 1024);
  });

  test('a declared content-length past the cap is refused before reading the body', async () => {
    fake.set('/huge-declared', { kind: 'huge', bytes: 50 * 1024 * 1024, contentLength: true });
    const error = await fetchFeed(fake.url('/huge-declared'), none, limits).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/larger than the 1 MB limit \(it declares 50 MB\)/);
  });

  test('an unreachable server is a clear error, not a crash', async () => {
    const closed = await startFakeFeedServer();
    const url = closed.url('/gone.xml');
    await closed.close();
    const error = await fetchFeed(url, none, limits).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^could not fetch the feed from 127\.0\.0\.1:\d+: ECONNREFUSED$/);
  });

  test("the caller's abort (the runner stopping) comes back as its own reason, not a feed error", async () => {
    fake.set('/hang-abort', { kind: 'hang' });
    const controller = new AbortController();
    const pending = fetchFeed(fake.url('/hang-abort'), none, limits, controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('stopping'));
    const error = await pending;
    expect(error).not.toBeInstanceOf(FeedFetchError);
    expect((error as Error).message).toBe('stopping');
  });
});

describe('decode', () => {
  const latin1 = Uint8Array.from([...'<?xml version="1.0" encoding="ISO-8859-1"?><t>caf'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x3c, 0x2f, 0x74, 0x3e]));

  test.each([
    ['the XML declaration', latin1, null, 'café'],
    ['the content-type charset over the declaration', latin1, 'application/xml; charset=windows-1252', 'café'],
    ['UTF-8 by default', new TextEncoder().encode('<t>café</t>'), null, 'café'],
    ['an unknown charset label falls back to UTF-8', new TextEncoder().encode('<t>café</t>'), 'text/xml; charset=klingon', 'café'],
  ])('%s', (_name, bytes, contentType, word) => {
    expect(decode(bytes, contentType)).toContain(word);
  });
});

describe('the rss kind in the registry', () => {
  test('creates a polled source that waits the configured interval between polls', () => {
    const source = sourceKinds.rss!.create('rss:acme', { kind: 'rss', name: 'Acme', feedUrl: fake.url('/news.xml'), intervalSeconds: 600 }, {}, deps);
    expect(source).toMatchObject({ type: 'polled', id: 'rss:acme', intervalMs: 600_000 });
  });

  test('its connection test fetches the feed once', async () => {
    fake.set('/registry.xml', { kind: 'feed', body: rssFeed({ title: 'Reg', items: [{ id: '1', title: 'one' }] }) });
    const before = fake.count('/registry.xml').requests;
    expect(await sourceKinds.rss!.test({ kind: 'rss', name: 'Reg', feedUrl: fake.url('/registry.xml'), intervalSeconds: 900 }, {}, deps)).toEqual({ ok: true, message: "RSS 2.0 feed 'Reg' with 1 entry" });
    expect(fake.count('/registry.xml').requests).toBe(before + 1);
  });
});

describe('the connection test', () => {
  test('describes the feed by format, title and entry count', async () => {
    fake.set('/news.xml', { kind: 'feed', body: rssFeed({ title: 'Acme News', items: Array.from({ length: 20 }, (_, i) => ({ id: `n${i}`, title: `item ${i}` })) }) });
    expect(await testFeed(fake.url('/news.xml'))).toEqual({ ok: true, message: "RSS 2.0 feed 'Acme News' with 20 entries" });
  });

  test.each([
    ['/missing.xml', /answered 404/],
    ['/page.html', /returned an HTML page, not an RSS or Atom feed/],
  ])('reports %s as a readable failure', async (path, message) => {
    if (path === '/page.html') fake.set(path, { kind: 'html' });
    const result = await testFeed(fake.url(path));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(message);
  });
});

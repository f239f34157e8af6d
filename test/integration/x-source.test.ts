import { afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import type { Clock } from '../../server/clock';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import { EventHub } from '../../server/pipeline/events';
import { SourceRunner } from '../../server/pipeline/runner';
import { demoClock } from '../../server/sources/demo/demo-clock';
import { sourceKinds, type SubjectQuery } from '../../server/sources/registry';
import { createXSource, type XSourceOptions } from '../../server/sources/x/x.source';
import { xSourceConfig, type XSourceConfig } from '../../shared/api/sources';
import { problems, startFakeXApi, type FakeXApi } from '../fakes/x-api.fake';
import { describeEachDatabase } from '../support/databases';
import { wordAnalyzer } from '../support/posts';

const logger = createLogger('silent');
/** Virtual time starts mid-month, so no test crosses a budget month. */
const EPOCH = Date.parse('2026-03-10T12:00:00Z');

/** Time that runs `speed` times faster than the wall clock: a simulated minute passes in 60/speed s. */
function fastClock(speed: number): Clock {
  const t0 = performance.now();
  return demoClock(speed, () => EPOCH + (performance.now() - t0));
}

/** Waits for a state the system reaches on its own (never asserts on elapsed time). */
async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachDatabase('X source against the fake X API v2', (db) => {
  let fake: FakeXApi;
  let runner: SourceRunner | null = null;
  let clock: Clock;
  let sourceId: string;
  let n = 0;
  let subjects: SubjectQuery[];
  let analyzer: ReturnType<typeof wordAnalyzer>;

  beforeAll(async () => {
    const acme = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    const kestrel = await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel', query: '"kestrel bearings" OR #kestrel' });
    subjects = [acme, kestrel].map((s) => ({ id: s.id, name: s.name, query: s.query }));
    analyzer = wordAnalyzer({ acme: acme.id, kestrel: kestrel.id });
  });
  beforeEach(async () => {
    clock = fastClock(100);
    fake = await startFakeXApi({ now: () => clock.now(), heartbeatMs: 100, requireBearer: 'good-token' });
    sourceId = `x:test-${++n}`;
  });
  afterEach(async () => {
    await runner?.stop();
    runner = null;
    await fake.close();
  });

  const config = (over: Partial<XSourceConfig> = {}): XSourceConfig => xSourceConfig.parse({ kind: 'x', name: 'X', apiBase: fake.origin, pollIntervalSeconds: 15, ...over });
  const start = (over: Partial<XSourceConfig> = {}, options: XSourceOptions = {}, token = 'good-token') => {
    const source = createXSource(sourceId, config(over), { bearerToken: token }, { subjects: async () => subjects }, { rulesRefreshMs: 30_000, ...options });
    runner = new SourceRunner({ db: db().db, analyzer: () => analyzer, clock, logger, events: new EventHub() }, [source]);
    runner.start();
    return runner;
  };
  const stop = async () => {
    await runner?.stop();
    runner = null;
  };
  const stored = () =>
    db()
      .db.selectFrom('posts')
      .select(['native_id', 'text', 'url', 'kind', 'lang', 'parent_native_id', 'repost_of_native_id', 'author_handle'])
      .where('source', '=', sourceId)
      .orderBy('native_id')
      .execute();
  const storedCount = async () => (await stored()).length;
  const health = () => runner!.healthOf(sourceId)!;
  const acmePosts = (count: number, from = 0) => fake.addPosts(...Array.from({ length: count }, (_, i) => ({ text: `acme note ${from + i}`, author: `user${(from + i) % 9}` })));

  test('posts come normalised: reposts, quotes, replies, handle, language, metrics and the x.com link', async () => {
    const [orig] = fake.addPosts({ text: 'Acme shipped my order early', author: 'alice', lang: 'en', metrics: { retweet_count: 2, reply_count: 1, like_count: 7, quote_count: 0, bookmark_count: 0, impression_count: 90 } });
    fake.addPosts(
      { text: 'RT @alice: Acme shipped my order early', author: 'bob', referenced: [{ type: 'retweeted', id: orig!.id }] },
      { text: 'this! acme is quick', author: 'carol', referenced: [{ type: 'quoted', id: orig!.id }], lang: 'und' },
      { text: '@alice same with acme', author: 'dave', referenced: [{ type: 'replied_to', id: orig!.id }] },
      { text: 'nothing about anyone', author: 'erin' },
    );
    start();
    await until(async () => (await storedCount()) === 4, 'four matching posts');
    const posts = await stored();
    expect(posts.map((p) => [p.kind, p.author_handle, p.parent_native_id, p.repost_of_native_id])).toEqual([
      ['original', 'alice', null, null],
      ['repost', 'bob', null, orig!.id],
      ['quote', 'carol', orig!.id, null],
      ['reply', 'dave', orig!.id, null],
    ]);
    expect(posts[0]).toMatchObject({ url: `https://x.com/alice/status/${orig!.id}`, lang: 'en' });
    const metrics = await db().db.selectFrom('posts').select('metrics').where('native_id', '=', orig!.id).executeTakeFirstOrThrow();
    expect(metrics.metrics).toMatchObject({ like_count: 7, impression_count: 90 });
    // Each subject's query went to X in X syntax, with the fields the normaliser needs.
    const queries = () => fake.requests.filter((r) => r.route === 'search').map((r) => r.query.query);
    await until(() => queries().length >= 2, 'the round over both subjects');
    expect(new Set(queries())).toEqual(new Set(['acme', '"kestrel bearings" OR #kestrel']));
    expect(fake.requests.find((r) => r.route === 'search')!.query['tweet.fields']).toContain('referenced_tweets');
  });

  test('every post exactly once across pages and a stop in the middle of a round', async () => {
    const first = acmePosts(250);
    // Two requests left in this window: the third page must wait for the reset, and we stop there.
    fake.setRate('search', { limit: 450, remaining: 2, reset: Math.floor(clock.now().getTime() / 1000) + 3600 });
    start();
    await until(async () => (await storedCount()) === 200, 'two pages');
    await until(() => health().counters.budget_used === 200, 'the meter');
    const waiting = fake.count('search');
    await new Promise((r) => setTimeout(r, 300)); // 30 simulated seconds: nothing may be asked meanwhile
    expect(fake.count('search')).toBe(waiting);
    expect(fake.count('search', 429)).toBe(0);
    await stop();
    const saved = (await loadCursor(db().db, sourceId)) as { search: Record<string, { nextToken?: string }> };
    expect(saved.search.acme!.nextToken).toBeTruthy();

    // While Earshot is down, X goes on; then the window resets and Earshot starts again.
    const later = acmePosts(30, 250);
    fake.setRate('search', { remaining: 450 });
    start();
    await until(async () => (await storedCount()) === 280, 'all 280 posts');
    const ids = (await stored()).map((p) => p.native_id);
    expect(new Set(ids)).toEqual(new Set([...first, ...later].map((t) => t.id)));
    expect(ids).toHaveLength(280);
    // The restart read the page in hand with the saved next_token, then the newer posts with since_id.
    const acmeRequests = fake.requests.filter((r) => r.route === 'search' && r.query.query === 'acme' && r.status === 200);
    expect(acmeRequests[2]!.query.next_token).toBe(saved.search.acme!.nextToken);
    expect(acmeRequests.some((r) => r.query.since_id === first.at(-1)!.id)).toBe(true);
    const total = await db().db.selectFrom('source_state').select('posts_ingested').where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(total.posts_ingested).toBe(280);
  });

  test('a 429 with a reset time: the next request waits for the reset, and is not repeated meanwhile', async () => {
    acmePosts(5);
    const reset = Math.floor(clock.now().getTime() / 1000) + 120;
    fake.failNext('search', problems.rateLimited(reset));
    start();
    await until(async () => (await storedCount()) === 5, 'the posts after the reset');
    const search = fake.requests.filter((r) => r.route === 'search');
    expect(search[0]!.status).toBe(429);
    expect(search[1]!.at.getTime()).toBeGreaterThanOrEqual(reset * 1000);
    expect(fake.count('search', 429)).toBe(1);
    expect(health().counters.rate_limited).toBe(1);
  });

  test('remaining=0 after a page: the next page waits for the reset instead of stopping silently or being refused', async () => {
    acmePosts(150);
    const reset = Math.floor(clock.now().getTime() / 1000) + 90;
    fake.setRate('search', { limit: 450, remaining: 1, reset });
    start();
    await until(async () => (await storedCount()) === 150, 'both pages');
    const search = fake.requests.filter((r) => r.route === 'search');
    expect(search[1]!.query.next_token).toBeTruthy();
    expect(search[1]!.at.getTime()).toBeGreaterThanOrEqual(reset * 1000);
    expect(fake.count('search', 429)).toBe(0);
  });

  test('503 from X (an HTML page): backoff and retry, then everything arrives once', async () => {
    acmePosts(12);
    fake.failNext('search', problems.unavailableHtml(), 3);
    start({}, {});
    await until(async () => (await storedCount()) === 12, 'the posts');
    expect(fake.count('search', 503)).toBe(3);
    expect(health().errorsLastHour).toBeGreaterThanOrEqual(3);
    expect(health().lastError!.message).toContain('X is unavailable (HTTP 503)');
    // Backoff, not a tight loop: each retry waited at least the runner's 100 ms floor.
    const s = fake.requests.filter((r) => r.route === 'search');
    expect(s[3]!.at.getTime() - s[0]!.at.getTime()).toBeGreaterThanOrEqual(300);
  });

  test('duplicates in an API page are stored once', async () => {
    const [a, b] = fake.addPosts({ text: 'acme one', author: 'ann' }, { text: 'acme two', author: 'ben' });
    const tweet = (t: typeof a) => ({ id: t!.id, text: t!.text, author_id: t!.authorId, edit_history_tweet_ids: [t!.id], created_at: t!.createdAt.toISOString() });
    fake.failNext('search', { status: 200, body: { data: [tweet(b), tweet(b), tweet(a)], includes: { users: [...fake.users.values()].map((u) => ({ id: u.id, name: u.name, username: u.username })) }, meta: { newest_id: b!.id, oldest_id: a!.id, result_count: 3 } } });
    start();
    await until(async () => (await storedCount()) === 2, 'two posts');
    await until(() => fake.count('search') >= 4, 'a later round');
    expect(await storedCount()).toBe(2);
    expect(health().counters.duplicates_skipped).toBe(1);
  });

  test('the usage cap shows in health, and the source neither crashes nor hammers', async () => {
    acmePosts(3);
    fake.failNext('search', problems.usageCapped(), 10);
    start();
    await until(() => (health().counters.usage_capped ?? 0) >= 1, 'the usage cap');
    expect(health().lastError!.message).toMatch(/usage cap/i);
    expect(['failing', 'degraded']).toContain(health().status);
    await new Promise((r) => setTimeout(r, 400)); // 40 simulated seconds
    // Capped: the next ask is an hour away.
    expect(fake.count('search')).toBe(1);
    expect(runner!.has(sourceId)).toBe(true);
  });

  test('a refused token shows in health with a clear message; the connection test says so too', async () => {
    start({}, {}, 'wrong-token');
    await until(() => health().lastError !== null, 'the error');
    expect(health().lastError!.message).toContain('refused the bearer token');
    const test401 = await sourceKinds.x!.test(config(), { bearerToken: 'wrong-token' }, { clock, logger, subjects: async () => subjects });
    expect(test401).toEqual({ ok: false, message: expect.stringContaining('the bearer token was refused') });
    const ok = await sourceKinds.x!.test(config(), { bearerToken: 'good-token' }, { clock, logger, subjects: async () => subjects });
    expect(ok.ok).toBe(true);
    const streamOk = await sourceKinds.x!.test(config({ mode: 'stream' }), { bearerToken: 'good-token' }, { clock, logger, subjects: async () => subjects });
    expect(streamOk).toEqual({ ok: true, message: expect.stringContaining('0 rule(s)') });
  });

  test('the monthly read budget: reads stop when it is used up, across a restart too', async () => {
    acmePosts(120);
    start({ monthlyReadBudget: 35 });
    await until(async () => (await storedCount()) === 35, 'the budgeted posts');
    await until(() => health().lastError?.message.includes('budget') ?? false, 'the budget message');
    expect(health().counters).toMatchObject({ budget_used: 35, budget_limit: 35 });
    const asked = fake.count('search');
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.count('search')).toBe(asked);
    await stop();
    expect(await loadCursor(db().db, sourceId)).toMatchObject({ budget: { month: '2026-03', used: 35 } });
    start({ monthlyReadBudget: 35 });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.count('search')).toBe(asked);
    expect(await storedCount()).toBe(35);
  });

  test('the stream: rules follow the subjects, posts arrive, malformed lines are skipped and counted', async () => {
    fake.rules.push({ id: '1', value: 'made by hand' }, { id: '2', value: 'old subject', tag: 'earshot:99' });
    start({ mode: 'stream' });
    await fake.stream.waitForConnections(1);
    expect(fake.rules.map((r) => r.value).sort()).toEqual(['"kestrel bearings" OR #kestrel', 'acme', 'made by hand']);
    acmePosts(3);
    fake.stream.raw('{"data": not json}\r\n');
    fake.stream.raw('{"data":{"id":"1"}}\n'); // LF only: lost together with the next message, and counted
    fake.addPosts({ text: 'acme lost with the LF line', author: 'zed' });
    fake.stream.raw('\r\n');
    const after = fake.addPosts({ text: 'kestrel bearings squeak', author: 'kim' }, { text: 'acme fine again', author: 'kim' });
    await until(async () => (await storedCount()) === 5, 'posts around the bad lines');
    expect((await stored()).map((p) => p.native_id)).toEqual(expect.arrayContaining(after.map((t) => t.id)));
    expect(health().counters.malformed_lines).toBe(2);
    expect(health().counters.connections).toBe(1);
    // The same message twice (X does not de-duplicate) is stored once.
    const [again] = acmePosts(1, 900);
    await until(async () => (await storedCount()) === 6, 'the post');
    fake.stream.push({ data: { id: again!.id, text: again!.text, author_id: again!.authorId, edit_history_tweet_ids: [again!.id] }, matching_rules: [] });
    acmePosts(1, 901);
    // Batches are stored in order: once the later post is in, the copy would be too.
    await until(async () => (await storedCount()) >= 7, 'the post after the copy');
    expect(health().counters.duplicates_skipped).toBe(1);
    expect(await storedCount()).toBe(7);
  });

  test('a dropped stream reconnects after a backoff and carries on', async () => {
    start({ mode: 'stream' });
    await fake.stream.waitForConnections(1);
    acmePosts(2);
    await until(async () => (await storedCount()) === 2, 'two posts');
    fake.stream.drop();
    await until(() => fake.stream.connections === 1 && fake.stream.attempts === 2, 'the reconnect');
    acmePosts(2, 2);
    await until(async () => (await storedCount()) === 4, 'four posts');
    expect(health().reconnectsLastHour).toBe(1);
  });

  test('a stalled heartbeat is noticed by the keep-alive timeout, and the stream reconnects', async () => {
    start({ mode: 'stream' }, { keepAliveMs: 300 });
    await fake.stream.waitForConnections(1);
    fake.stream.stallHeartbeats(true);
    await until(() => (health().counters.keepalive_timeouts ?? 0) >= 1, 'the keep-alive timeout');
    fake.stream.stallHeartbeats(false);
    await until(() => fake.stream.attempts >= 2 && fake.stream.connections === 1, 'the reconnect');
    acmePosts(1);
    await until(async () => (await storedCount()) === 1, 'a post on the new connection');
  });

  test('an error X sends inside the stream ends the connection, shows in health, and the stream comes back', async () => {
    start({ mode: 'stream' });
    await fake.stream.waitForConnections(1);
    fake.stream.push({ errors: [{ title: 'operational-disconnect', disconnect_type: 'UpstreamOperationalDisconnect', detail: 'This stream has been disconnected upstream for operational reasons.', type: 'https://api.x.com/2/problems/operational-disconnect' }] });
    await until(() => health().lastError?.message.includes('operational-disconnect') ?? false, 'the error in health');
    await until(() => fake.stream.attempts === 2 && fake.stream.connections === 1, 'the reconnect');
    expect(health().counters.stream_errors).toBe(1);
  });

  test('rules follow a subject added while the stream is connected, without reconnecting', async () => {
    const before = subjects;
    try {
      start({ mode: 'stream' });
      await fake.stream.waitForConnections(1);
      subjects = [...before, { id: 999, name: 'Osprey', query: 'osprey OR @ospreyfreight' }];
      await until(() => fake.rules.some((r) => r.value === 'osprey OR @ospreyfreight'), 'the new rule');
      const [post] = fake.addPosts({ text: 'osprey freight is late again', author: 'olga' });
      await until(async () => (await stored()).some((p) => p.native_id === post!.id), 'the post the new rule matched');
      expect(fake.stream.attempts).toBe(1);
    } finally {
      subjects = before;
    }
  });

  test('the stream stops reading when the monthly budget is used up', async () => {
    start({ mode: 'stream', monthlyReadBudget: 3 });
    await fake.stream.waitForConnections(1);
    for (let i = 0; i < 3; i++) acmePosts(1, i);
    await until(() => fake.stream.connections === 0, 'the stream closing');
    await until(() => health().lastError?.message.includes('budget') ?? false, 'the budget message');
    acmePosts(3, 10);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.stream.attempts).toBe(1);
    expect(await storedCount()).toBe(3);
    expect(health().counters).toMatchObject({ budget_used: 3, budget_limit: 3 });
  });

  test.each([
    ['503 on every connect', { mode: 'status', status: 503 } as const, 2, 6],
    ['accept with 200 and close at once', { mode: 'accept-then-close' } as const, 3, 12],
    ['429 TooManyConnections', { mode: 'status', status: 429, body: { title: 'ConnectionException', connection_issue: 'TooManyConnections', type: 'https://api.x.com/2/problems/streaming-connection' } } as const, 1, 2],
  ])('reconnects stay bounded over a simulated minute: %s', async (_name, refusal, atLeast, atMost) => {
    fake.stream.refuse(refusal);
    const started = clock.now().getTime();
    start({ mode: 'stream' });
    await until(() => clock.now().getTime() - started >= 60_000, 'a simulated minute');
    await stop();
    const attempts = fake.requests.filter((r) => r.route === 'stream' && r.at.getTime() - started <= 60_000).length;
    // The library's own auto-reconnect reaches about 150 attempts a second against such a server.
    expect(attempts).toBeGreaterThanOrEqual(atLeast);
    expect(attempts).toBeLessThanOrEqual(atMost);
  });

  test('mode both: search and stream together store each post once and share one budget meter', async () => {
    const old = acmePosts(20);
    start({ mode: 'both' });
    await fake.stream.waitForConnections(1);
    await until(async () => (await storedCount()) === 20, 'the searched posts');
    const live = acmePosts(5, 20); // delivered by the stream, then found again by the next search round
    await until(async () => (await storedCount()) === 25, 'the streamed posts');
    await until(() => fake.requests.filter((r) => r.route === 'search' && r.query.query === 'acme' && r.query.since_id).length >= 1, 'a later search round');
    await until(() => (health().counters.budget_used ?? 0) >= 30, 'the meter counting both');
    const ids = (await stored()).map((p) => p.native_id);
    expect(new Set(ids)).toEqual(new Set([...old, ...live].map((t) => t.id)));
  });

  test('the stream reports a usage cap on connect and waits an hour', async () => {
    fake.stream.refuse({ mode: 'status', status: 429, body: problems.usageCapped().body });
    start({ mode: 'stream' });
    await until(() => health().lastError !== null, 'the error');
    expect(health().lastError!.message).toMatch(/usage cap/i);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.stream.attempts).toBe(1);
  });
});

import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { systemClock, type Clock } from '../../server/clock';
import { insertSubject, listSubjects } from '../../server/db/repositories/subjects.repository';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import { createLogger } from '../../server/logger';
import { Engines } from '../../server/pipeline/engines';
import { EventHub } from '../../server/pipeline/events';
import { SourceRunner } from '../../server/pipeline/runner';
import { demoClock } from '../../server/sources/demo/demo-clock';
import { seededRandom } from '../../server/sources/demo/random';
import { mastodonKind } from '../../server/sources/mastodon/mastodon.kind';
import { MastodonSource, type MastodonOptions } from '../../server/sources/mastodon/mastodon.source';
import type { SourceDeps } from '../../server/sources/registry';
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon.fake';
import { describeEachDatabase } from '../support/databases';

const logger = createLogger('silent');
const fast: Partial<MastodonOptions> = { flushMs: 20, backoff: { baseMs: 20, capMs: 200, minMs: 10 } };

/** Waits for a condition the system reaches on its own (never asserts on elapsed time). */
async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachDatabase('Mastodon source', (db) => {
  let fake: FakeMastodon;
  let engines: Engines;
  let runner: SourceRunner | null = null;
  let sourceId: string;
  let n = 0;

  beforeAll(async () => {
    await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme OR #acme' });
    engines = new Engines(db().db, logger);
    await engines.reload();
  });
  beforeEach(async () => {
    fake = await startFakeMastodon({ heartbeatMs: 50 });
    sourceId = `mastodon:test-${++n}`;
  });
  afterEach(async () => {
    await runner?.stop();
    runner = null;
    await fake.close();
  });

  const deps = (clock: Clock = systemClock): SourceDeps => ({
    clock,
    logger,
    subjects: async () => (await listSubjects(db().db)).map((s) => ({ id: s.id, name: s.name, query: s.query })),
  });
  const start = (options: Partial<MastodonOptions> = {}, extra: { clock?: Clock; tags?: string[]; token?: string } = {}) => {
    const clock = extra.clock ?? systemClock;
    const source = new MastodonSource(sourceId, { instanceUrl: fake.url, hashtags: extra.tags ?? ['Acme'] }, { accessToken: extra.token ?? fake.token }, deps(clock), { ...fast, ...options });
    runner = new SourceRunner({ db: db().db, analyzer: () => engines.analyzer, clock, logger, events: new EventHub() }, [source]);
    runner.start();
    return runner;
  };
  const stored = () =>
    db()
      .db.selectFrom('posts')
      .select(['native_id', 'text', 'url', 'kind', 'parent_native_id', 'repost_of_native_id', 'author_handle', 'deleted_at'])
      .where('source', '=', sourceId)
      .orderBy('native_id')
      .execute();
  const storedCount = async () => (await stored()).length;
  const subjectPosts = async () => (await sql<{ posts: number }>`select coalesce(sum(posts), 0)::int as posts from rollups`.execute(db().db)).rows[0]!.posts;
  const acme = (content: string, extra: Record<string, unknown> = {}) => fake.push({ content, tags: ['acme'], ...extra });

  test('starts with the newest page of each tag, then streams; HTML becomes text, reblogs are reposts, replies keep their parent', async () => {
    const old = acme('<p>Before we started: <a href="https://m/tags/acme" class="mention hashtag">#<span>acme</span></a> rocks</p>');
    start();
    await until(() => fake.openStreams('acme') === 1, 'the stream');
    await until(async () => (await storedCount()) === 1, 'the gap-filled status');
    expect(fake.timelineRequests[0]!.get('min_id')).toBeNull();
    const reply = acme('<p><span class="h-card"><a href="https://m/@bob" class="u-url mention">@<span>bob</span></a></span> acme fixed it<br>thanks</p>', { in_reply_to_id: old.id });
    const original = fake.statuses[0]!;
    const reblog = fake.push({ content: '', tags: ['acme'], reblog: original, account: { id: '7', username: 'carol', acct: 'carol@elsewhere.social' } });
    await until(async () => (await storedCount()) === 3, 'the streamed statuses');
    const posts = await stored();
    expect(posts.find((p) => p.native_id === old.id)).toMatchObject({ text: 'Before we started: #acme rocks', kind: 'original', url: old.url });
    expect(posts.find((p) => p.native_id === reply.id)).toMatchObject({ text: '@bob acme fixed it\nthanks', kind: 'reply', parent_native_id: old.id });
    expect(posts.find((p) => p.native_id === reblog.id)).toMatchObject({ kind: 'repost', repost_of_native_id: original.id, author_handle: 'carol@elsewhere.social', text: 'Before we started: #acme rocks' });
    expect(await loadCursor(db().db, sourceId)).toEqual({ tags: { acme: reblog.id } });
  });

  test('a restart gap-fills everything posted while it was down, page by page, without loss or duplicates', async () => {
    start();
    await until(() => fake.openStreams() === 1, 'the stream');
    for (let i = 0; i < 5; i++) acme(`<p>acme live ${i}</p>`);
    await until(async () => (await storedCount()) === 5, 'five streamed statuses');
    await runner!.stop();
    runner = null;
    const before = await subjectPosts();
    for (let i = 0; i < 95; i++) acme(`<p>acme while down ${i}</p>`);
    const requestsBefore = fake.timelineRequests.length;
    start();
    await until(async () => (await storedCount()) === 100, 'all 100 statuses');
    const pages = fake.timelineRequests.slice(requestsBefore);
    // 95 statuses after the cursor: pages of 40, 40 and 15, each starting after the last one stored.
    expect(pages.map((p) => p.get('limit'))).toEqual(['40', '40', '40']);
    expect(pages[0]!.get('min_id')).toBe(fake.statuses[4]!.id);
    expect(pages[1]!.get('min_id')).toBe(fake.statuses[44]!.id);
    const posts = await stored();
    expect(new Set(posts.map((p) => p.native_id)).size).toBe(100);
    expect((await subjectPosts()) - before).toBe(95);
    expect(await loadCursor(db().db, sourceId)).toEqual({ tags: { acme: fake.statuses.at(-1)!.id } });
  });

  test('after a dropped stream the gap is filled from the timeline', async () => {
    start();
    await until(() => fake.openStreams() === 1, 'the stream');
    acme('<p>acme one</p>');
    await until(async () => (await storedCount()) === 1, 'the first status');
    fake.silence(true);
    acme('<p>acme missed by the stream</p>');
    fake.dropStreams();
    fake.silence(false);
    await until(async () => (await storedCount()) === 2, 'the missed status');
    expect(runner!.healthOf(sourceId)!.reconnectsLastHour).toBe(1);
    expect(fake.streamConnections).toBe(2);
  });

  test('a stream that goes quiet, heartbeats included, is reconnected', async () => {
    start({ idleMs: 300 });
    await until(() => fake.openStreams() === 1, 'the stream');
    fake.silence(true);
    await until(() => fake.streamConnections >= 2, 'a reconnect');
    fake.silence(false);
    expect(runner!.healthOf(sourceId)!.counters.stalls).toBeGreaterThanOrEqual(1);
  });

  test('a status deleted at the instance is marked deleted and taken out of the counts', async () => {
    start();
    await until(() => fake.openStreams() === 1, 'the stream');
    const before = await subjectPosts();
    const s = acme('<p>acme let me down</p>');
    await until(async () => (await subjectPosts()) === before + 1, 'the count');
    fake.remove(s.id);
    await until(async () => (await subjectPosts()) === before, 'the count to drop');
    expect((await stored()).find((p) => p.native_id === s.id)!.deleted_at).not.toBeNull();
  });

  test('an edited status replaces the stored text and moves its counts; one edited while Earshot was down is stored edited', async () => {
    start();
    await until(() => fake.openStreams() === 1, 'the stream');
    const before = await subjectPosts();
    const s = acme('<p>acme let me down</p>');
    const t = acme('<p>acme parcel late</p>');
    await until(async () => (await subjectPosts()) === before + 2, 'the counts');
    fake.edit(s.id, '<p>acme came through after all, thanks</p>');
    // This version is about no subject: the status stays stored, counted for nothing.
    fake.edit(t.id, '<p>never mind, wrong shop</p>');
    await until(() => (runner!.healthOf(sourceId)!.counters.edits_applied ?? 0) === 2, 'both edits');
    const texts = async () => Object.fromEntries((await stored()).map((p) => [p.native_id, p.text]));
    expect(await texts()).toMatchObject({ [s.id]: 'acme came through after all, thanks', [t.id]: 'never mind, wrong shop' });
    expect(await subjectPosts()).toBe(before + 1);
    const edited = await db().db.selectFrom('posts').select(['native_id', 'edited_at']).where('source', '=', sourceId).where('native_id', '=', s.id).executeTakeFirstOrThrow();
    expect(edited.edited_at).toEqual(new Date(fake.statuses.find((x) => x.id === s.id)!.edited_at!));
    await runner!.stop();

    // Posted and edited while the source was stopped: the gap-fill brings the edited version.
    const late = acme('<p>acme first draft</p>');
    fake.edit(late.id, '<p>acme final words</p>');
    start();
    await until(async () => (await stored()).some((p) => p.native_id === late.id), 'the late status');
    expect((await texts())[late.id]).toBe('acme final words');
    expect(await subjectPosts()).toBe(before + 2);
  });

  test('malformed events are skipped, counted and reported while the stream goes on', async () => {
    start();
    await until(() => fake.openStreams() === 1, 'the stream');
    acme('<p>acme first</p>');
    fake.sendRaw('event: update\ndata: {not json\n\n');
    fake.sendRaw('event: update\ndata: {"id":"x","content":5}\n\n');
    fake.sendRaw('event: delete\ndata: <script>\n\n');
    fake.sendRaw('event: notification\ndata: {}\n\n');
    acme('<p>acme second</p>');
    await until(async () => (await storedCount()) === 2, 'both good statuses');
    const health = runner!.healthOf(sourceId)!;
    expect(health.counters.skipped_frames).toBe(3);
    expect(health.lastError?.message).toMatch(/skipped an update event of #acme/);
    expect(fake.streamConnections).toBe(1);
  });

  test('hostile HTML is stored as inert plain text', async () => {
    start();
    await until(() => fake.openStreams() === 1, 'the stream');
    const s = acme(
      '<p>acme <script>alert(document.cookie)</script><b onclick="x()">bold <i>nested <u>deep</u></i></b>' +
        '<img src=x onerror=alert(1)><style>*{display:none}</style></p><p>&lt;script&gt;typed&lt;/script&gt; &amp;amp; caf&eacute; &#x1F600;<br/>end<iframe src="javascript:alert(1)">inner</iframe></p>',
      { spoiler_text: 'CW <b>late</b>', url: 'javascript:alert(1)' },
    );
    await until(async () => (await storedCount()) === 1, 'the status');
    const post = (await stored())[0]!;
    expect(post.text).toBe('CW late\n\nacme bold nested deep\n\n<script>typed</script> &amp; café 😀\nend');
    // The only '<' left are characters the author typed; no element, attribute or handler survives.
    expect(post.text).not.toMatch(/onerror|onclick|alert|display:none|<b>|<p>|<img|<iframe/);
    expect(post.url).toBe(s.uri);
  });

  test('a status in two followed tags is stored once', async () => {
    start({}, { tags: ['acme', '#Widgets'] });
    await until(() => fake.openStreams() === 2, 'two streams');
    fake.push({ content: '<p>acme widgets</p>', tags: ['acme', 'widgets'] });
    await until(async () => (await storedCount()) === 1, 'the status');
    await new Promise((r) => setTimeout(r, 100));
    expect(await storedCount()).toBe(1);
    const state = await db().db.selectFrom('source_state').select('posts_ingested').where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(state.posts_ingested).toBe(1);
  });

  test('reconnect backoff stays bounded while the instance refuses streams for ten simulated minutes', async () => {
    fake.refuseStreams(503);
    const clock = demoClock(300);
    const began = clock.now().getTime();
    start({ backoff: { baseMs: 1000, capMs: 60_000, minMs: 500 }, random: seededRandom(5) }, { clock });
    await until(() => clock.now().getTime() - began >= 10 * 60_000, 'ten simulated minutes', 15_000);
    const attempts = fake.streamRequests;
    const health = runner!.healthOf(sourceId)!;
    await runner!.stop();
    runner = null;
    expect(attempts).toBeGreaterThanOrEqual(8);
    expect(attempts).toBeLessThanOrEqual(40);
    expect(health.reconnectsLastHour).toBeGreaterThanOrEqual(attempts - 2);
    expect(health.reconnectsLastHour).toBeLessThanOrEqual(attempts);
    expect(health.lastError?.message).toMatch(/HTTP 503/);
  });

  test('a wrong token is reported clearly by the stream and by the connection test', async () => {
    start({}, { token: 'wrong' });
    await until(() => runner!.healthOf(sourceId)!.lastError !== null, 'the error');
    expect(runner!.healthOf(sourceId)!.lastError!.message).toMatch(/refused the access token \(401\)/);
    expect(runner!.healthOf(sourceId)!.lastError!.message).not.toContain('wrong');
    const config = { kind: 'mastodon' as const, name: 'Fake', instanceUrl: fake.url, hashtags: ['acme'] };
    expect(await mastodonKind.test(config, { accessToken: fake.token }, deps())).toEqual({ ok: true, message: expect.stringContaining('@earshot') });
    const refused = await mastodonKind.test(config, { accessToken: 'wrong' }, deps());
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/refused the access token \(401\)/);
  });
});

test('the fake instance records a posted status once per Idempotency-Key', async () => {
  const fake = await startFakeMastodon();
  try {
    const send = (key: string, token = fake.token) =>
      fetch(`${fake.url}/api/v1/statuses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ status: 'Sorry <about> that', in_reply_to_id: '5' }),
      });
    const first = (await (await send('k1')).json()) as { id: string; content: string; in_reply_to_id: string };
    const again = (await (await send('k1')).json()) as { id: string };
    const other = (await (await send('k2')).json()) as { id: string };
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(first).toMatchObject({ in_reply_to_id: '5', content: '<p>Sorry &#60;about&#62; that</p>' });
    expect(fake.posted.map((p) => p.idempotencyKey)).toEqual(['k1', 'k2']);
    expect((await send('k3', 'wrong')).status).toBe(401);
  } finally {
    await fake.close();
  }
});

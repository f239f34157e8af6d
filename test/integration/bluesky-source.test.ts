import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { systemClock, type Clock } from '../../server/clock';
import { archiveSubject, insertSubject, listSubjects } from '../../server/db/repositories/subjects.repository';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import { createLogger } from '../../server/logger';
import { Engines } from '../../server/pipeline/engines';
import { EventHub } from '../../server/pipeline/events';
import { SourceRunner } from '../../server/pipeline/runner';
import { demoClock } from '../../server/sources/demo/demo-clock';
import { seededRandom } from '../../server/sources/demo/random';
import { blueskyKind } from '../../server/sources/bluesky/bluesky.kind';
import { JetstreamSource, type JetstreamOptions } from '../../server/sources/bluesky/jetstream.source';
import type { SourceDeps } from '../../server/sources/registry';
import { startFakeJetstream, type FakeJetstream } from '../fakes/jetstream.fake';
import { describeEachDatabase } from '../support/databases';

const logger = createLogger('silent');
const fast: Partial<JetstreamOptions> = { flushMs: 20, cursorOnlyMs: 40, backoff: { baseMs: 20, capMs: 200, minMs: 10 }, subjectsRefreshMs: 0 };

/** Waits for a condition the system reaches on its own (never asserts on elapsed time). */
async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachDatabase('Bluesky Jetstream source', (db) => {
  let fake: FakeJetstream;
  let engines: Engines;
  let runner: SourceRunner | null = null;
  let sourceId: string;
  let n = 0;

  beforeAll(async () => {
    await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel', query: '"kestrel bearings" OR #kestrel' });
    engines = new Engines(db().db, logger);
    await engines.reload();
  });
  beforeEach(async () => {
    fake = await startFakeJetstream();
    sourceId = `bluesky:test-${++n}`;
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
  const start = (options: Partial<JetstreamOptions> = {}, clock: Clock = systemClock) => {
    const source = new JetstreamSource(sourceId, { url: fake.url }, deps(clock), { ...fast, ...options });
    runner = new SourceRunner({ db: db().db, analyzer: () => engines.analyzer, clock, logger, events: new EventHub() }, [source]);
    runner.start();
    return runner;
  };
  const stored = () =>
    db()
      .db.selectFrom('posts')
      .select(['native_id', 'text', 'url', 'kind', 'lang', 'parent_native_id', 'author_handle', 'deleted_at'])
      .where('source', '=', sourceId)
      .orderBy('native_id')
      .execute();
  const storedCount = async () => (await stored()).length;

  test('keeps only posts a subject matches, with the bsky.app link, language, replies and quotes', async () => {
    start();
    await fake.waitForOpen();
    expect(fake.requests[0]!.getAll('wantedCollections')).toEqual(['app.bsky.feed.post']);
    fake.identity('did:plc:alice', 'alice.bsky.social');
    const root = fake.create('did:plc:alice', '3kroot', { text: 'Acme shipped my order early', langs: ['en', 'de'] });
    fake.create('did:plc:bob', '3kother', { text: 'nothing about anyone here' });
    fake.create('did:plc:bob', '3kreply', {
      text: 'same, acme was quick',
      reply: { root: { uri: 'at://did:plc:alice/app.bsky.feed.post/3kroot', cid: 'x' }, parent: { uri: 'at://did:plc:alice/app.bsky.feed.post/3kroot', cid: 'x' } },
    });
    fake.create('did:plc:carol', '3kquote', {
      text: 'look at this #kestrel',
      embed: { $type: 'app.bsky.embed.record', record: { uri: 'at://did:plc:alice/app.bsky.feed.post/3kroot', cid: 'x' } },
    });
    fake.create('did:plc:carol', '3klike', { text: 'acme' }, 'app.bsky.feed.like');
    await until(async () => (await storedCount()) === 3, 'three matching posts');
    const posts = await stored();
    expect(posts.map((p) => [p.native_id, p.kind, p.parent_native_id])).toEqual([
      ['at://did:plc:alice/app.bsky.feed.post/3kroot', 'original', null],
      ['at://did:plc:bob/app.bsky.feed.post/3kreply', 'reply', 'at://did:plc:alice/app.bsky.feed.post/3kroot'],
      ['at://did:plc:carol/app.bsky.feed.post/3kquote', 'quote', 'at://did:plc:alice/app.bsky.feed.post/3kroot'],
    ]);
    expect(posts[0]).toMatchObject({ url: 'https://bsky.app/profile/did:plc:alice/post/3kroot', lang: 'en', author_handle: 'alice.bsky.social' });
    await until(async () => Number((await loadCursor(db().db, sourceId))?.timeUs ?? 0) >= root.time_us, 'the cursor');
  });

  test('a restart resumes from the saved cursor minus the safety window, without loss or duplicates', async () => {
    const before = await subjectPosts();
    start();
    await fake.waitForOpen();
    for (let i = 0; i < 30; i++) fake.create(`did:plc:u${i % 7}`, `3ka${i}`, { text: `acme note ${i}` });
    await until(async () => (await storedCount()) === 30, 'the first 30 posts');
    const saved = (await loadCursor(db().db, sourceId)) as { timeUs: number };
    expect(saved.timeUs).toBe(fake.log.at(-1)!.time_us);
    await runner!.stop();
    runner = null;

    // While Earshot is down the network goes on, including deletes of posts it stored.
    for (let i = 0; i < 20; i++) fake.create(`did:plc:u${i % 7}`, `3kb${i}`, { text: `acme later ${i}` });
    fake.delete('did:plc:u0', '3ka0');
    start({ safetyWindowMs: 5000 });
    await until(async () => (await storedCount()) === 50, 'all 50 posts');
    await until(async () => (await stored()).some((p) => p.deleted_at !== null), 'the delete');

    const resumedFrom = Number(fake.requests.at(-1)!.get('cursor'));
    expect(resumedFrom).toBe(saved.timeUs - 5_000_000);
    const posts = await stored();
    expect(new Set(posts.map((p) => p.native_id)).size).toBe(50);
    // 50 posts about Acme, one of them deleted: counted once each, the deleted one taken back.
    expect((await subjectPosts()) - before).toBe(49);
  });

  test('a dropped connection reconnects from where it was, and the replayed window is not stored twice', async () => {
    start({ safetyWindowMs: 60_000 });
    await fake.waitForOpen();
    for (let i = 0; i < 10; i++) fake.create('did:plc:d', `3kc${i}`, { text: `acme ${i}` });
    await until(async () => (await storedCount()) === 10, 'ten posts');
    fake.drop({ terminate: true });
    await until(() => fake.connections === 2 && fake.open() === 1, 'the reconnect');
    for (let i = 10; i < 15; i++) fake.create('did:plc:d', `3kc${i}`, { text: `acme ${i}` });
    await until(async () => (await storedCount()) === 15, 'fifteen posts');
    const health = runner!.healthOf(sourceId)!;
    expect(health.reconnectsLastHour).toBe(1);
    // The whole first connection fell inside the 60 s window and came again; it was recognised.
    expect(health.counters.duplicates_skipped).toBeGreaterThanOrEqual(10);
    const total = await db().db.selectFrom('source_state').select('posts_ingested').where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(total.posts_ingested).toBe(15);
  });

  test('a deleted post is marked deleted and taken out of the counts', async () => {
    start();
    await fake.waitForOpen();
    const before = await subjectPosts();
    fake.create('did:plc:e', '3kdel', { text: 'acme broke my heart' });
    await until(async () => (await subjectPosts()) === before + 1, 'the post to be counted');
    fake.delete('did:plc:e', '3kdel');
    await until(async () => (await subjectPosts()) === before, 'the count to drop');
    const post = (await stored()).find((p) => p.native_id === 'at://did:plc:e/app.bsky.feed.post/3kdel')!;
    expect(post.deleted_at).not.toBeNull();
  });

  async function subjectPosts(): Promise<number> {
    const r = await sql<{ posts: number }>`select coalesce(sum(posts), 0)::int as posts from rollups`.execute(db().db);
    return r.rows[0]!.posts;
  }

  test('malformed frames are skipped, counted and reported while the rest goes on', async () => {
    start();
    await fake.waitForOpen();
    fake.create('did:plc:f', '3kok1', { text: 'acme one' });
    fake.sendRaw('{not json');
    fake.sendRaw(JSON.stringify({ did: 'did:plc:f', time_us: 'soon', kind: 'commit', commit: {} }));
    fake.sendRaw(Buffer.from([0xff, 0x00, 0x01]), { binary: true });
    fake.sendRaw(JSON.stringify({ kind: 'heartbeat', payload: '' }));
    fake.create('did:plc:f', '3kbad', { text: 42 as unknown as string });
    fake.create('did:plc:f', '3kok2', { text: 'acme two' });
    await until(async () => (await storedCount()) === 2, 'the two good posts');
    const health = runner!.healthOf(sourceId)!;
    expect(health.counters.skipped_frames).toBe(3);
    expect(health.counters.skipped_records).toBe(1);
    expect(health.lastError?.message).toMatch(/malformed Jetstream frame/);
    expect(fake.connections).toBe(1);
  });

  test('an edit replaces a stored post and moves its counts; an edit of a post that did not match is stored once it matches; a replay changes nothing', async () => {
    start({ safetyWindowMs: 60_000 });
    await fake.waitForOpen();
    const uri = (rkey: string) => `at://did:plc:g/app.bsky.feed.post/${rkey}`;
    const before = await subjectPosts();
    fake.create('did:plc:g', '3kedit', { text: 'my new bearings are fine' });
    fake.create('did:plc:g', '3kkept', { text: 'acme ok' });
    fake.create('did:plc:g', '3kgone', { text: 'acme lost my parcel' });
    await until(async () => (await storedCount()) === 2, 'the two matching posts');
    expect((await subjectPosts()) - before).toBe(2);

    fake.update('did:plc:g', '3kedit', { text: 'my new kestrel bearings are fine' });
    fake.update('did:plc:g', '3kkept', { text: 'acme ok (edited)' });
    // No subject's query matches this version: the post stays, about nothing, and counts for nothing.
    fake.update('did:plc:g', '3kgone', { text: 'found it, all good' });
    await until(async () => (await storedCount()) === 3, 'the post that now matches');
    await until(() => (runner!.healthOf(sourceId)!.counters.edits_applied ?? 0) === 2, 'both edits of stored posts');
    expect(runner!.healthOf(sourceId)!.counters.edits).toBe(3);
    const texts = async () => Object.fromEntries((await stored()).map((p) => [p.native_id, p.text]));
    const edited = { [uri('3kedit')]: 'my new kestrel bearings are fine', [uri('3kkept')]: 'acme ok (edited)', [uri('3kgone')]: 'found it, all good' };
    expect(await texts()).toEqual(edited);
    // Acme counts 3kkept only now; Kestrel counts 3kedit.
    expect((await subjectPosts()) - before).toBe(2);
    const gone = await db().db.selectFrom('posts').innerJoin('post_subjects', 'post_subjects.post_id', 'posts.id').select('posts.id').where('native_id', '=', uri('3kgone')).execute();
    expect(gone).toEqual([]);

    // A restart resumes a minute before its cursor: the creates and edits all come again, to a
    // source that has not seen them, and the ingester finds every version already stored.
    await runner!.stop();
    start({ safetyWindowMs: 60_000 });
    await fake.waitForOpen();
    fake.create('did:plc:g', '3kmark', { text: 'acme marker' });
    await until(async () => (await storedCount()) === 4, 'the marker');
    expect(runner!.healthOf(sourceId)!.counters.edits).toBe(3);
    expect(runner!.healthOf(sourceId)!.counters.edits_applied ?? 0).toBe(0);
    expect(await texts()).toMatchObject(edited);
    expect((await subjectPosts()) - before).toBe(3);
  });

  test('a subject added while running starts matching at the next refresh', async () => {
    start({ subjectsRefreshMs: 0 });
    await fake.waitForOpen();
    fake.create('did:plc:h', '3kz1', { text: 'zephyr valves leaking again' });
    fake.create('did:plc:h', '3kz0', { text: 'acme marker' });
    await until(async () => (await storedCount()) === 1, 'the marker');
    const zephyr = await insertSubject(db().db, { kind: 'supplier', name: 'Zephyr', query: 'zephyr' });
    await engines.reload();
    // Subjects are re-read before a batch is stored, so once a later post is stored the new subject is in.
    fake.create('did:plc:h', '3kz3', { text: 'acme marker again' });
    await until(async () => (await storedCount()) === 2, 'the second marker');
    fake.create('did:plc:h', '3kz2', { text: 'zephyr valves leaking again' });
    await until(async () => (await storedCount()) === 3, 'the zephyr post');
    expect((await stored()).map((p) => p.native_id)).toContain('at://did:plc:h/app.bsky.feed.post/3kz2');
    await archiveSubject(db().db, zephyr.id);
    await engines.reload();
  });

  test('a connection that stops answering, pings included, is replaced', async () => {
    start({ idleMs: 100 });
    await fake.waitForOpen();
    fake.silence(true);
    await until(() => fake.connections >= 2, 'a new connection');
    fake.silence(false);
    fake.create('did:plc:s', '3ks1', { text: 'acme after the stall' });
    await until(async () => (await storedCount()) === 1, 'the post after the stall');
    expect(runner!.healthOf(sourceId)!.counters.stalls).toBeGreaterThanOrEqual(1);
  });

  test.each(['503', 'close'] as const)('reconnect backoff stays bounded while the server refuses (%s) for ten simulated minutes', async (mode) => {
    fake.refuse(mode);
    // 300x: ten simulated minutes pass in two real seconds, with the source's real default backoff.
    const clock = demoClock(300);
    const began = clock.now().getTime();
    start({ backoff: { baseMs: 1000, capMs: 60_000, minMs: 500 }, random: seededRandom(5) }, clock);
    await until(() => clock.now().getTime() - began >= 10 * 60_000, 'ten simulated minutes', 15_000);
    const attempts = fake.attempts;
    const health = runner!.healthOf(sourceId)!;
    await runner!.stop();
    runner = null;
    // Full jitter under a 60 s cap averages 30 s a wait once the ceiling is reached: about 25 tries in
    // ten minutes. A tight loop would make thousands.
    expect(attempts).toBeGreaterThanOrEqual(8);
    expect(attempts).toBeLessThanOrEqual(40);
    expect(health.reconnectsLastHour).toBeGreaterThanOrEqual(attempts - 2);
    expect(health.reconnectsLastHour).toBeLessThanOrEqual(attempts);
    expect(health.status).toBe('failing');
    expect(health.lastError?.message).toMatch(mode === '503' ? /HTTP 503/ : /closed the connection/);
  });

  test('the connection test opens and closes a connection, and says why when it cannot', async () => {
    const ok = await blueskyKind.test({ kind: 'bluesky', name: 'Bluesky', url: fake.url }, {}, deps());
    expect(ok).toEqual({ ok: true, message: expect.stringContaining('127.0.0.1') });
    await until(() => fake.open() === 0, 'the test connection to close');
    fake.refuse('503');
    const refused = await blueskyKind.test({ kind: 'bluesky', name: 'Bluesky', url: fake.url }, {}, deps());
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/503/);
  });
});

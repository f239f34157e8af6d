import { afterAll, beforeAll, expect, test } from 'vitest';
import { sourcesResponse, sourceTestResponse, sourceView } from '../../shared/api/sources';
import { systemClock, type Clock } from '../../server/clock';
import { createLogger } from '../../server/logger';
import { EventHub } from '../../server/pipeline/events';
import { SourceRunner } from '../../server/pipeline/runner';
import type { SourceKinds } from '../../server/sources/registry';
import type { PolledSource } from '../../server/sources/source';
import { buildFullApp, Client, makeUser } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

/** A feed-like source made from a list: each pull hands over the next post and moves the cursor. */
function listSource(id: string, texts: string[], pulls: { n: number }): PolledSource {
  return {
    type: 'polled',
    id,
    intervalMs: 1,
    async pull(cursor) {
      pulls.n++;
      const at = typeof cursor?.at === 'number' ? cursor.at : 0;
      const text = texts[at];
      if (text === undefined) return { posts: [], cursor, more: false };
      return { posts: [makePost({ source: id, nativeId: `n${at}`, text })], cursor: { at: at + 1 }, more: at + 1 < texts.length };
    },
  };
}

const tested: string[] = [];
/** The RSS slot filled by a test connector, so this file tests the API and lifecycle, not a network. */
const kinds: SourceKinds = {
  rss: {
    create: (id) => listSource(id, ['acme one'], { n: 0 }),
    test: async (config) => {
      tested.push(config.feedUrl);
      return config.feedUrl.includes('broken') ? { ok: false, message: 'the feed answered 404' } : { ok: true, message: 'RSS 2.0 feed with 1 entry' };
    },
  },
  mastodon: { create: (id) => listSource(id, [], { n: 0 }), test: async () => ({ ok: true, message: 'signed in' }) },
};

describeEachDatabase('sources from Settings and the API', (db) => {
  let server: { url: string; close(): Promise<void> };
  let admin: Client;
  let analyst: Client;
  beforeAll(async () => {
    server = await listenOnFreePort(await buildFullApp(db(), { sourceKinds: kinds }));
    const a = await makeUser(db(), 'admin');
    const b = await makeUser(db(), 'analyst');
    admin = new Client(server.url);
    analyst = new Client(server.url);
    expect((await admin.signIn(a.email, a.password)).status).toBe(201);
    expect((await analyst.signIn(b.email, b.password)).status).toBe(201);
  });
  afterAll(() => server?.close());

  const mastodon = { config: { kind: 'mastodon', name: 'Fosstodon', instanceUrl: 'https://fosstodon.example', hashtags: ['acme'] }, secrets: { accessToken: 'mastodon-token-5f2a9c' } };

  test('a source is added with its credentials sealed: the API says which are set, never what they are', async () => {
    const r = await admin.call('POST', '/api/sources', mastodon);
    expect(r.status).toBe(201);
    const view = sourceView.parse(r.body);
    expect(view).toMatchObject({ id: 'mastodon:fosstodon', kind: 'mastodon', secretsSet: ['accessToken'], paused: false });
    expect(r.text).not.toContain('mastodon-token-5f2a9c');
    const row = await db().db.selectFrom('source_state').select(['secrets', 'config']).where('id', '=', 'mastodon:fosstodon').executeTakeFirstOrThrow();
    expect(row.secrets).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('mastodon-token-5f2a9c');
    const list = await analyst.call('GET', '/api/sources');
    expect(list.status).toBe(200);
    expect(sourcesResponse.parse(list.body).sources.map((s) => s.id)).toContain('mastodon:fosstodon');
    expect(list.text).not.toContain('mastodon-token-5f2a9c');
  });

  test('the same name twice, missing credentials, a bad URL or a kind without a connector are refused with reasons', async () => {
    expect((await admin.call('POST', '/api/sources', mastodon)).status).toBe(409);
    const noToken = await admin.call('POST', '/api/sources', { ...mastodon, config: { ...mastodon.config, name: 'Other' }, secrets: {} });
    expect(noToken.status).toBe(400);
    expect(noToken.text).toContain('accessToken');
    const badUrl = await admin.call('POST', '/api/sources', { config: { kind: 'rss', name: 'News', feedUrl: 'javascript:alert(1)' } });
    expect(badUrl.status).toBe(400);
    const noKind = await admin.call('POST', '/api/sources', { config: { kind: 'bluesky', name: 'Firehose' } });
    expect(noKind.status).toBe(400);
    expect(noKind.body).toMatchObject({ error: { code: 'source_kind_unavailable' } });
  });

  test('testing a connection saves nothing and reports the connector\'s answer', async () => {
    const ok = sourceTestResponse.parse((await admin.call('POST', '/api/sources/test', { config: { kind: 'rss', name: 'Trade news', feedUrl: 'https://news.example/feed' } })).body);
    const bad = sourceTestResponse.parse((await admin.call('POST', '/api/sources/test', { config: { kind: 'rss', name: 'Trade news', feedUrl: 'https://broken.example/feed' } })).body);
    expect([ok.ok, bad.ok, bad.message]).toEqual([true, false, 'the feed answered 404']);
    expect(tested.slice(-2)).toEqual(['https://news.example/feed', 'https://broken.example/feed']);
    const ids = sourcesResponse.parse((await admin.call('GET', '/api/sources')).body).sources.map((s) => s.id);
    expect(ids).not.toContain('rss:trade-news');
  });

  test('pause, resume and remove; analysts may look but not change', async () => {
    expect((await analyst.call('POST', '/api/sources/mastodon:fosstodon/pause')).status).toBe(403);
    const paused = sourceView.parse((await admin.call('POST', '/api/sources/mastodon%3Afosstodon/pause')).body);
    expect([paused.paused, paused.health?.status]).toEqual([true, 'paused']);
    const resumed = sourceView.parse((await admin.call('POST', '/api/sources/mastodon:fosstodon/resume')).body);
    expect(resumed.paused).toBe(false);
    expect(resumed.health?.status).not.toBe('paused');
    expect((await admin.call('DELETE', '/api/sources/mastodon:fosstodon')).status).toBe(204);
    expect((await admin.call('DELETE', '/api/sources/mastodon:fosstodon')).status).toBe(404);
    const row = await db().db.selectFrom('source_state').select('id').where('id', '=', 'mastodon:fosstodon').executeTakeFirst();
    expect(row).toBeUndefined();
    const log = await db().db.selectFrom('audit_log').select(['action', 'details']).where('target_type', '=', 'source').orderBy('id').execute();
    expect(log.map((l) => [l.action, (l.details as { change: string }).change])).toEqual([
      ['credential.changed', 'added'],
      ['settings.changed', 'paused'],
      ['settings.changed', 'resumed'],
      ['credential.changed', 'removed'],
    ]);
    expect(JSON.stringify(log)).not.toContain('mastodon-token-5f2a9c');
  });

  test('a CSV export is recorded in the audit log by whoever made it', async () => {
    expect((await analyst.call('POST', '/api/audit/exports', { file: 'earshot-scorecard-30d.csv', rows: 4 })).status).toBe(204);
    expect((await analyst.call('POST', '/api/audit/exports', { file: '', rows: -1 })).status).toBe(400);
    const entry = await db().db.selectFrom('audit_log').select(['action', 'target_id', 'details']).where('action', '=', 'export').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ target_id: 'earshot-scorecard-30d.csv', details: { rows: 4 } });
  });
});

describeEachDatabase('the runner adds, pauses and resumes sources while it runs', (db) => {
  test('a paused source stops pulling and resumes from its saved cursor: every post once', async () => {
    const clock: Clock = { now: () => new Date('2026-03-02T12:00:00Z'), sleep: (ms, signal) => systemClock.sleep(Math.min(ms, 5), signal) };
    const runner = new SourceRunner({ db: db().db, analyzer: () => wordAnalyzer({}), clock, logger: createLogger('silent'), events: new EventHub() });
    runner.start();
    const pulls = { n: 0 };
    const texts = Array.from({ length: 40 }, (_, i) => `post ${i}`);
    runner.add(listSource('list:a', texts, pulls));
    const count = async () => Number((await db().db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where('source', '=', 'list:a').executeTakeFirstOrThrow()).n);
    while ((await count()) < 5) await new Promise((r) => setTimeout(r, 5));
    await runner.setPaused('list:a', true);
    const atPause = await count();
    const pullsAtPause = pulls.n;
    await new Promise((r) => setTimeout(r, 50));
    expect(pulls.n).toBe(pullsAtPause);
    expect(await count()).toBe(atPause);
    expect(runner.healthOf('list:a')?.status).toBe('paused');
    await runner.setPaused('list:a', false);
    while ((await count()) < 40) await new Promise((r) => setTimeout(r, 5));
    await runner.remove('list:a');
    expect(runner.has('list:a')).toBe(false);
    const distinct = await db().db.selectFrom('posts').select((eb) => eb.fn.count('native_id').distinct().as('n')).where('source', '=', 'list:a').executeTakeFirstOrThrow();
    expect([await count(), Number(distinct.n)]).toEqual([40, 40]);
    await runner.stop();
  });
});

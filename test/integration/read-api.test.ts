import { afterAll, beforeAll, expect, test } from 'vitest';
import { alertsResponse } from '../../shared/api/alerts';
import { issuesResponse } from '../../shared/api/issues';
import { mentionsResponse } from '../../shared/api/posts';
import { overviewResponse, scorecardResponse } from '../../shared/api/stats';
import { createApp } from '../../server/http/app';
import { alertsRoutes } from '../../server/http/routes/alerts.routes';
import { eventsRoutes } from '../../server/http/routes/events.routes';
import { issuesRoutes } from '../../server/http/routes/issues.routes';
import { mentionsRoutes } from '../../server/http/routes/mentions.routes';
import { statsRoutes } from '../../server/http/routes/stats.routes';
import { createLogger } from '../../server/logger';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import type { Clock } from '../../server/clock';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

const now = new Date('2026-03-10T12:30:00Z');
const clock: Clock = { now: () => now, sleep: async () => {} };

describeEachDatabase('the read API', (db) => {
  let server: { url: string; close(): Promise<void> };
  let ids: { acme: number; kestrel: number };
  const events = new EventHub();

  beforeAll(async () => {
    const d = db().db;
    const acme = await insertSubject(d, { kind: 'company', name: 'Acme', query: 'acme' });
    const kestrel = await insertSubject(d, { kind: 'supplier', name: 'Kestrel', query: 'kestrel', attributes: { tier: '1', region: 'EMEA' } });
    ids = { acme: acme.id, kestrel: kestrel.id };
    const analyzer = wordAnalyzer({ acme: acme.id, kestrel: kestrel.id });
    const at = (h: number) => new Date(now.getTime() - h * 3_600_000);
    const posts = [
      makePost({ nativeId: 'p1', text: 'bad kestrel housing cracked', createdAt: at(1) }),
      makePost({ nativeId: 'p2', text: 'bad kestrel parcel late order #77', createdAt: at(2) }),
      makePost({ nativeId: 'p3', text: 'good acme support', createdAt: at(3) }),
      makePost({ nativeId: 'p4', text: '<img src=x onerror=alert(1)> acme 50% off', createdAt: at(30) }),
      makePost({ nativeId: 'p5', text: 'good kestrel', createdAt: at(24 * 9) }),
      makePost({ nativeId: 'p6', text: 'RT good acme support', kind: 'repost', repostOfNativeId: 'p3', createdAt: at(2) }),
    ];
    await ingestBatch(d, analyzer, { id: 'test', kind: 'test' }, { posts, cursor: null }, now);
    const logger = createLogger('silent');
    const app = createApp({
      database: db(),
      logger,
      version: 't',
      sourceHealth: () => [],
      webDir: null,
      routers: [statsRoutes({ database: db(), clock }), mentionsRoutes({ database: db(), clock }), issuesRoutes({ database: db(), clock, events }), alertsRoutes({ database: db(), clock, events }), eventsRoutes({ events, heartbeatMs: 50 })],
    });
    server = await listenOnFreePort(app);
  });
  afterAll(() => server?.close());

  const get = async (path: string) => {
    const res = await fetch(`${server.url}/api${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  test('the overview has a zero-filled series per subject, totals, the previous period and share of voice', async () => {
    const { status, body } = await get('/stats/overview?range=7d');
    expect(status).toBe(200);
    const o = overviewResponse.parse(body);
    expect(o.granularity).toBe('day');
    const kestrel = o.subjects.find((s) => s.id === ids.kestrel)!;
    expect(kestrel.series).toHaveLength(8);
    expect(kestrel.totals).toMatchObject({ posts: 2, negative: 2, negativeShare: 1, net: -100 });
    expect(kestrel.previous.posts).toBe(1);
    const acme = o.subjects.find((s) => s.id === ids.acme)!;
    expect(acme.totals).toMatchObject({ posts: 2, reposts: 1 });
    expect(acme.shareOfVoice + kestrel.shareOfVoice).toBeCloseTo(1);
  });

  test('a shorter range switches to hourly buckets and only counts what falls inside it', async () => {
    const o = overviewResponse.parse((await get(`/stats/overview?range=24h&subjects=${ids.kestrel}`)).body);
    expect(o.granularity).toBe('hour');
    expect(o.subjects).toHaveLength(1);
    expect(o.subjects[0]!.series.reduce((n, p) => n + p.posts, 0)).toBe(2);
  });

  test('the scorecard gives each supplier distinct authors, negative share trend and aspects', async () => {
    const s = scorecardResponse.parse((await get('/stats/scorecard?range=7d')).body);
    const kestrel = s.rows.find((r) => r.id === ids.kestrel)!;
    expect(kestrel.attributes).toEqual({ tier: '1', region: 'EMEA' });
    expect(kestrel.authors).toBe(2);
    expect(kestrel.negativeShareTrend).toBeCloseTo(100);
    expect(kestrel.aspects).toEqual([{ aspect: 'delivery', mentions: 1, negative: 1 }]);
  });

  test.each([
    { query: '', expected: ['p1', 'p2', 'p3', 'p4', 'p5'] },
    { query: 'sentiment=negative', expected: ['p1', 'p2'] },
    { query: 'hasReference=true', expected: ['p2'] },
    { query: 'q=50%25', expected: ['p4'] },
    { query: 'includeReposts=true&range=24h', expected: ['p1', 'p6', 'p2', 'p3'] },
  ])('mentions filtered by "$query"', async ({ query, expected }) => {
    const { status, body } = await get(`/mentions?${query}`);
    expect(status, JSON.stringify(body)).toBe(200);
    const m = mentionsResponse.parse(body);
    expect(m.posts.map((p) => p.nativeId)).toEqual(expected);
  });

  test('mentions filter by subject, collapse reposts with their count, and page with a keyset cursor', async () => {
    const first = mentionsResponse.parse((await get(`/mentions?subject=${ids.acme}&limit=1`)).body);
    expect(first.posts.map((p) => [p.nativeId, p.reposts])).toEqual([['p3', 1]]);
    const second = mentionsResponse.parse((await get(`/mentions?subject=${ids.acme}&limit=1&before=${encodeURIComponent(first.next!)}`)).body);
    expect(second.posts.map((p) => p.nativeId)).toEqual(['p4']);
    // Hostile text comes back byte for byte as text: rendering it safely is the client's job, altering it is nobody's.
    expect(second.posts[0]!.text).toBe('<img src=x onerror=alert(1)> acme 50% off');
  });

  test.each(['/mentions?before=garbage', '/mentions?limit=100000', '/stats/overview?range=2y', '/stats/overview?range=custom'])('%s is a clear 400', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  test('issues and alerts lists are empty and well-formed before the derive step has run', async () => {
    expect(issuesResponse.parse((await get('/issues')).body).issues).toEqual([]);
    expect(alertsResponse.parse((await get('/alerts?status=open')).body).alerts).toEqual([]);
  });

  test('the event stream delivers published events to a connected client', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    events.publish('posts', { count: 2, source: 'test', ids: [1, 2] });
    let text = '';
    while (!text.includes('event: posts')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('data: {"count":2,"source":"test","ids":[1,2]}');
    controller.abort();
  });
});

describeEachDatabase('label corrections', (db) => {
  test('correcting a label records who and when, updates the post and moves its count in the rollups', async () => {
    const { correctLabel, correctionsForPost, allCorrections } = await import('../../server/db/repositories/corrections.repository');
    const d = db().db;
    const s = await insertSubject(d, { kind: 'supplier', name: 'Volta', query: 'volta' });
    const at = new Date('2026-03-09T08:20:00Z');
    const r = await ingestBatch(d, wordAnalyzer({ volta: s.id }), { id: 'test', kind: 'test' }, { posts: [makePost({ nativeId: 'c1', text: 'volta battery swelled', createdAt: at })], cursor: null }, now);
    const postId = r.stored[0]!.id;
    expect(await correctLabel(d, postId, 'negative', null)).toEqual({ previous: 'neutral' });
    const rollup = await d.selectFrom('rollups').selectAll().where('subject_id', '=', s.id).executeTakeFirstOrThrow();
    expect([rollup.neutral, rollup.negative, rollup.posts]).toEqual([0, 1, 1]);
    expect((await correctionsForPost(d, postId)).map((c) => c.label)).toEqual(['negative']);
    await correctLabel(d, postId, 'positive', null);
    expect(await allCorrections(d)).toEqual([{ text: 'volta battery swelled', label: 'positive' }]);
    expect(await correctLabel(d, 999_999, 'positive', null)).toBeUndefined();
  });
});

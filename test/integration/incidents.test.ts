/**
 * Incident mode through the HTTP API, behind the auth gate, as an admin: start an incident from a
 * query, ingest posts, and read the timeline, stories, voices, notes; closing freezes the record.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { incidentDetail, incidentsResponse, type IncidentDetail } from '../../shared/api/incidents';
import { prefilter } from '../../server/analysis/incident';
import { parseQuery } from '../../server/analysis/query-parser';
import type { Clock } from '../../server/clock';
import { candidatesQuery, authorsSeenBefore } from '../../server/db/repositories/incidents.repository';
import { createApp } from '../../server/http/app';
import { incidentsRoutes } from '../../server/http/routes/incidents.routes';
import { createLogger } from '../../server/logger';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import type { NormalizedPost } from '../../server/sources/source';
import { Client, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

const at = (hhmmss: string) => new Date(`2026-03-10T${hhmmss}Z`);

describeEachDatabase('incidents', (db) => {
  let now = at('12:30:00');
  const clock: Clock = { now: () => now, sleep: async () => {} };
  let server: { url: string; close(): Promise<void> };
  let admin: Client;
  let viewer: Client;

  const ingest = (posts: NormalizedPost[]) => ingestBatch(db().db, wordAnalyzer({}), { id: 'test', kind: 'test' }, { posts, cursor: null }, now);
  const by = (author: string, over: Partial<NormalizedPost> & { nativeId: string }) => makePost({ author: { id: author, handle: author, name: null, followers: 100 }, ...over });

  const events = new EventHub();
  const published: Array<{ type: string; payload: unknown }> = [];
  events.subscribe((e) => published.push(e));

  beforeAll(async () => {
    const database = db();
    const app = createApp({ database, logger: createLogger('silent'), version: 't', sourceHealth: () => [], webDir: null, auth: { database, now: () => now }, routers: [incidentsRoutes({ database, clock, events })] });
    server = await listenOnFreePort(app);
    admin = new Client(server.url);
    const a = await makeUser(database, 'admin');
    Object.assign(admin, await sessionFor(database, a.id, now));
    viewer = new Client(server.url);
    const v = await makeUser(database, 'viewer');
    Object.assign(viewer, await sessionFor(database, v.id, now));

    // Before the incident: two regulars post (about anything), and one early report stays outside the window.
    await ingest([
      by('regular1', { nativeId: 'pre1', text: 'good morning all', createdAt: at('11:00:00') }),
      by('regular2', { nativeId: 'pre2', text: 'nice day', createdAt: at('11:10:00') }),
      by('early', { nativeId: 'pre3', text: 'flight 212 looks odd', createdAt: at('11:50:00') }),
    ]);
  });
  afterAll(() => server?.close());

  const detail = async (id: number): Promise<IncidentDetail> => {
    const r = await admin.call('GET', `/api/incidents/${id}`);
    expect(r.status).toBe(200);
    return incidentDetail.parse(r.body);
  };

  let id: number;

  test('an admin starts an incident from a query and a start time; it is listed as open', async () => {
    const r = await admin.call('POST', '/api/incidents', { name: 'EK212 emergency landing', query: '"flight 212" OR #EK212', startedAt: '2026-03-10T12:00:00Z' });
    expect(r.status).toBe(201);
    const d = incidentDetail.parse(r.body);
    id = d.id;
    expect(d).toMatchObject({ status: 'open', closedAt: null, window: { from: '2026-03-10T12:00:00.000Z', to: '2026-03-10T12:30:00.000Z' }, bucketMinutes: 1 });
    expect(d.timeline).toHaveLength(30);
    expect(d.totals.posts).toBe(0);
    const list = incidentsResponse.parse((await admin.call('GET', '/api/incidents')).body);
    expect(list.incidents.map((i) => [i.id, i.status])).toContainEqual([id, 'open']);
  });

  test('the timeline counts matching posts by minute; reposts apart; near misses and deleted posts left out', async () => {
    await ingest([
      by('regular1', { nativeId: 'o1', text: 'bad flight 212 emergency landing', createdAt: at('12:01:10') }),
      by('new1', { nativeId: 'r1', kind: 'repost', repostOfNativeId: 'o1', text: 'RT @regular1: bad flight 212 emergency landing', createdAt: at('12:02:05') }),
      by('new2', { nativeId: 'r2', kind: 'repost', repostOfNativeId: 'o1', text: 'RT @regular1: bad flight 212 emergency landing', createdAt: at('12:03:00') }),
      by('new3', { nativeId: 'd1', text: 'bad flight 212 emergency landing!!', createdAt: at('12:02:30') }),
      by('regular2', { nativeId: 'o2', text: 'good crew on #EK212', createdAt: at('12:05:00') }),
      by('new4', { nativeId: 'o3', text: 'flight 212 passengers are safe', createdAt: at('12:05:40') }),
      by('new5', { nativeId: 'x1', text: 'bad flight 2120 is a different one', createdAt: at('12:06:00') }),
      by('new6', { nativeId: 'x2', text: 'bad flight 212 gone', createdAt: at('12:07:00') }),
    ]);
    await ingestBatch(db().db, wordAnalyzer({}), { id: 'test', kind: 'test' }, { posts: [], deletes: ['x2'], cursor: null }, now);
    const d = await detail(id);
    const minute = (hhmm: string) => d.timeline.find((b) => b.t === `2026-03-10T${hhmm}:00.000Z`)!;
    expect([minute('12:01'), minute('12:02'), minute('12:03'), minute('12:05'), minute('12:06'), minute('12:07')].map((b) => [b.posts, b.reposts, b.negative, b.positive, b.neutral])).toEqual([
      [1, 0, 1, 0, 0],
      [1, 1, 1, 0, 0],
      [0, 1, 0, 0, 0],
      [2, 0, 0, 1, 1],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(d.timeline.reduce((n, b) => n + b.posts, 0)).toBe(4);
    expect(d.totals).toMatchObject({ posts: 4, reposts: 2, negative: 2, positive: 1, neutral: 1, net: -25 });
    expect(minute('12:01').net).toBe(-100);
    expect(d.posts.map((p) => p.nativeId)).toEqual(['o3', 'o2', 'd1', 'o1']);
  });

  test('reposts and copies collapse into one story under the original, which is the most shared post', async () => {
    const d = await detail(id);
    expect(d.stories[0]).toMatchObject({ posts: 4, reposts: 2, quotes: 0, duplicates: 1, authors: 4 });
    expect(d.stories[0]!.post.nativeId).toBe('o1');
    expect(d.stories.map((s) => s.posts)).toEqual([4, 1, 1]);
    expect(d.topPosts.map((t) => [t.post.nativeId, t.shares])).toEqual([['o1', 2]]);
  });

  test('voices: authors who posted before the start are repeat voices, the rest new; reposters are not voices', async () => {
    const d = await detail(id);
    expect(d.voices).toMatchObject({ total: 4, new: 2, repeat: 2, newShare: 0.5 });
    expect(d.voices.loudestNew.map((a) => a.authorId).sort()).toEqual(['new3', 'new4']);
    expect(d.timeline.reduce((n, b) => n + b.newVoices, 0)).toBe(2);
  });

  test('the team adds notes; a viewer reads them but cannot write', async () => {
    now = at('12:31:00');
    const r = await admin.call('POST', `/api/incidents/${id}/notes`, { text: 'Press line agreed with comms.' });
    expect(r.status).toBe(201);
    expect(incidentDetail.parse(r.body).notes.map((n) => n.text)).toEqual(['Press line agreed with comms.']);
    // Other open war rooms hear of it at once.
    expect(published).toContainEqual({ type: 'incident', payload: { id, change: 'note' } });
    expect((await viewer.call('POST', `/api/incidents/${id}/notes`, { text: 'hi' })).status).toBe(403);
    expect((await viewer.call('POST', `/api/incidents/${id}/close`)).status).toBe(403);
    const seen = incidentDetail.parse((await viewer.call('GET', `/api/incidents/${id}`)).body);
    expect(seen.notes).toHaveLength(1);
    expect(seen.notes[0]!.authorName).toMatch(/^admin/);
  });

  test('closing freezes the record: the window ends at the close, and notes and a second close are refused', async () => {
    now = at('12:40:00');
    const closed = incidentDetail.parse((await admin.call('POST', `/api/incidents/${id}/close`)).body);
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-03-10T12:40:00.000Z', window: { to: '2026-03-10T12:40:00.000Z' } });
    now = at('13:00:00');
    await ingest([by('late', { nativeId: 'late1', text: 'flight 212 one hour on', createdAt: at('12:50:00') })]);
    const d = await detail(id);
    expect(d.window.to).toBe('2026-03-10T12:40:00.000Z');
    expect(d.totals.posts).toBe(4);
    expect(d.timeline).toHaveLength(40);
    const note = await admin.call('POST', `/api/incidents/${id}/notes`, { text: 'too late' });
    expect(note.status).toBe(409);
    expect((await admin.call('POST', `/api/incidents/${id}/close`)).status).toBe(409);
    expect((await detail(id)).notes).toHaveLength(1);
    const list = incidentsResponse.parse((await admin.call('GET', '/api/incidents?status=closed')).body);
    expect(list.incidents.map((i) => i.id)).toEqual([id]);
  });

  test.each([
    { what: 'a query with an error', body: { name: 'x', query: 'flight AND (' }, status: 400, code: 'invalid_query' },
    { what: 'a start in the future', body: { name: 'x', query: 'flight', startedAt: '2027-01-01T00:00:00Z' }, status: 400, code: 'start_in_future' },
    { what: 'no name', body: { query: 'flight' }, status: 400, code: 'invalid_request' },
  ])('starting an incident with $what is a clear $status', async ({ body, status, code }) => {
    const r = await admin.call('POST', '/api/incidents', body);
    expect(r.status).toBe(status);
    expect((r.body as { error: { code: string } }).error.code).toBe(code);
  });

  test('an incident that does not exist is a 404 for reads, notes and close', async () => {
    expect((await admin.call('GET', '/api/incidents/999999')).status).toBe(404);
    expect((await admin.call('POST', '/api/incidents/999999/notes', { text: 'x' })).status).toBe(404);
    expect((await admin.call('POST', '/api/incidents/999999/close')).status).toBe(404);
  });

  test('a query word finds the same word written with an apostrophe, as the matcher reads it', async () => {
    now = at('14:00:00');
    await ingest([
      by('ann', { nativeId: 'ap1', text: 'I don’t trust this landing', createdAt: at('13:10:00') }),
      by('bob', { nativeId: 'ap2', text: "don't panic, the landing was fine", createdAt: at('13:11:00') }),
      by('cid', { nativeId: 'ap3', text: 'the landing was fine, do not worry', createdAt: at('13:12:00') }),
    ]);
    const r = await admin.call('POST', '/api/incidents', { name: 'apostrophes', query: 'dont AND landing', startedAt: '2026-03-10T13:00:00Z' });
    expect(r.status).toBe(201);
    expect(incidentDetail.parse(r.body).posts.map((p) => p.nativeId)).toEqual(['ap2', 'ap1']);
  });

  test('the candidate query reads the window through the created_at index; "seen before" has an index on author and time', async () => {
    const parsed = parseQuery('"flight 212" OR #EK212');
    if (!parsed.ok) throw new Error('query');
    const plans = await db().db.transaction().execute(async (trx) => {
      // The test table is tiny: forbid the sequential scan a planner rightly prefers there, and see whether the index serves the shape.
      await sql`set local enable_seqscan = off`.execute(trx);
      const candidates = await candidatesQuery(trx, { from: at('12:00:00'), to: at('13:00:00'), filter: prefilter(parsed.query), limit: 1000 }).explain();
      // A tiny table gives the planner no reason to prefer one index over another here: check the author index's columns instead.
      const seen = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'posts_author_time_idx'`.execute(trx);
      return { candidates: candidates.map((row) => Object.values(row).join(' ')).join('\n'), seen: seen.rows.map((row) => row.indexdef).join('\n') };
    });
    expect(plans.candidates).toContain('posts_created_at_idx');
    expect(plans.seen).toContain('(source, author_id, created_at)');
    expect(await authorsSeenBefore(db().db, [{ source: 'test', authorId: 'regular1' }, { source: 'test', authorId: 'nobody' }], at('12:00:00'))).toEqual(new Set(['test\nregular1']));
  });
});

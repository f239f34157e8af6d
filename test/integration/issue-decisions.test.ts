import { afterAll, beforeAll, expect, test } from 'vitest';
import { issueView, issuesResponse } from '../../shared/api/issues';
import type { Clock } from '../../server/clock';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createApp } from '../../server/http/app';
import { issuesRoutes } from '../../server/http/routes/issues.routes';
import { createLogger } from '../../server/logger';
import { Deriver } from '../../server/pipeline/derive';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

describeEachDatabase('people deciding about issues', (db) => {
  const now = new Date('2026-05-20T12:00:00Z');
  const clock: Clock = { now: () => now, sleep: async () => {} };
  const events = new EventHub();
  let server: { url: string; close(): Promise<void> };
  let deriver: Deriver;
  let analyzer: ReturnType<typeof wordAnalyzer>;
  let seq = 0;
  const ingest = (texts: string[]) =>
    ingestBatch(db().db, analyzer, { id: 't', kind: 't' }, { posts: texts.map((text) => makePost({ nativeId: `x${seq++}`, text, createdAt: new Date(now.getTime() - 3_600_000), author: { id: `u${seq}`, handle: null, name: null, followers: null } })), cursor: null }, now);

  beforeAll(async () => {
    const a = await insertSubject(db().db, { kind: 'supplier', name: 'SwiftHaul', query: 'swifthaul' });
    const b = await insertSubject(db().db, { kind: 'supplier', name: 'Ledgerly', query: 'ledgerly' });
    analyzer = wordAnalyzer({ swifthaul: a.id, ledgerly: b.id });
    deriver = new Deriver({ db: db().db, clock, logger: createLogger('silent'), events });
    await ingest(['bad swifthaul parcel late again', 'bad swifthaul my parcel is late', 'bad swifthaul package never arrived, tracking stuck', 'bad swifthaul driver was rude at the door', 'bad ledgerly invoice paid late']);
    await deriver.runOnce();
    server = await listenOnFreePort(createApp({ database: db(), logger: createLogger('silent'), version: 't', sourceHealth: () => [], webDir: null, routers: [issuesRoutes({ database: db(), clock, events })] }));
  });
  afterAll(() => server?.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const list = async () => issuesResponse.parse((await call('GET', '/issues')).body).issues;

  test('a renamed issue keeps its name when more posts join it', async () => {
    const late = (await list()).find((i) => i.label.match(/late|parcel/i) && i.subjectName === 'SwiftHaul')!;
    const renamed = issueView.parse((await call('PATCH', `/issues/${late.id}`, { label: 'Parcels late in the north', status: 'acknowledged' })).body);
    expect(renamed).toMatchObject({ label: 'Parcels late in the north', status: 'acknowledged' });
    await ingest(['bad swifthaul parcel late, third time']);
    await deriver.runOnce();
    const after = (await list()).find((i) => i.id === late.id)!;
    expect(after.label).toBe('Parcels late in the north');
    expect(after.posts).toBeGreaterThan(late.posts);
  });

  test('merging moves the posts and hides the merged issue; issues of different subjects refuse to merge', async () => {
    const issues = (await list()).filter((i) => i.subjectName === 'SwiftHaul');
    expect(issues.length).toBeGreaterThanOrEqual(2);
    const [into, from] = issues;
    const merged = issueView.parse((await call('POST', `/issues/${from!.id}/merge`, { into: into!.id })).body);
    expect(merged.posts).toBe(into!.posts + from!.posts);
    expect((await list()).map((i) => i.id)).not.toContain(from!.id);
    const ledgerly = (await list()).find((i) => i.subjectName === 'Ledgerly')!;
    expect((await call('POST', `/issues/${ledgerly.id}/merge`, { into: into!.id })).status).toBe(409);
    expect((await call('POST', '/issues/99999/merge', { into: into!.id })).status).toBe(404);
  });

  test('splitting moves chosen posts to a new issue', async () => {
    const big = (await list()).find((i) => i.subjectName === 'SwiftHaul')!;
    const res = await fetch(`${server.url}/api/issues/${big.id}`);
    expect(res.status).toBe(200);
    const rows = await db().db.selectFrom('post_issues').select('post_id').where('issue_id', '=', big.id).orderBy('post_id').execute();
    const chosen = rows.slice(-1).map((r) => r.post_id);
    const split = await call('POST', `/issues/${big.id}/split`, { postIds: chosen, label: 'Rude drivers' });
    expect(split.status).toBe(201);
    const created = issueView.parse(split.body);
    expect(created).toMatchObject({ label: 'Rude drivers', posts: 1 });
    const left = (await list()).find((i) => i.id === big.id)!;
    expect(left.posts).toBe(big.posts - 1);
    expect((await call('POST', `/issues/${big.id}/split`, { postIds: [123456] })).status).toBe(400);
  });
});

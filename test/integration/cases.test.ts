import { afterAll, beforeAll, expect, test } from 'vitest';
import { assigneesResponse, caseDetail, caseMetrics, casesResponse } from '../../shared/api/cases';
import type { Clock } from '../../server/clock';
import { upsertRecords } from '../../server/db/repositories/records.repository';
import { insertUser, updateUser } from '../../server/db/repositories/users.repository';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createApp } from '../../server/http/app';
import { casesRoutes } from '../../server/http/routes/cases.routes';
import { createLogger } from '../../server/logger';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

describeEachDatabase('cases', (db) => {
  let now = new Date('2026-04-01T09:00:00Z');
  const clock: Clock = { now: () => now, sleep: async () => {} };
  let server: { url: string; close(): Promise<void> };
  let postIds: number[];
  const events = new EventHub();
  const seen: string[] = [];
  events.subscribe((e) => seen.push(`${e.type}:${(e.payload as { status?: string }).status}`));

  beforeAll(async () => {
    const d = db().db;
    const s = await insertSubject(d, { kind: 'company', name: 'Acme', query: 'acme' });
    await upsertRecords(d, [{ type: 'order', externalId: '48213', status: 'shipped, in transit', party: 'Ann', occurredAt: new Date('2026-03-28T00:00:00Z'), fields: { carrier: 'SwiftHaul' } }]);
    const r = await ingestBatch(
      d,
      wordAnalyzer({ acme: s.id }),
      { id: 'test', kind: 'test' },
      { posts: [makePost({ nativeId: 'o1', text: 'bad acme, where is order #48213?', createdAt: new Date('2026-04-01T08:50:00Z') }), makePost({ nativeId: 'o2', text: 'acme hello' })], cursor: null },
      now,
    );
    postIds = r.stored.map((x) => x.id);
    server = await listenOnFreePort(createApp({ database: db(), logger: createLogger('silent'), version: 't', sourceHealth: () => [], webDir: null, routers: [casesRoutes({ database: db(), clock, events })] }));
  });
  afterAll(() => server?.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  test('a complaint quoting an order becomes a case showing the order status, with SLA clocks running', async () => {
    const { status, body } = await call('POST', '/cases', { postIds: [postIds[0]] });
    expect(status).toBe(201);
    const c = caseDetail.parse(body);
    expect(c.title).toBe('bad acme, where is order #48213?');
    expect(c.priority).toBe('high');
    expect(c.subjectName).toBe('Acme');
    expect(c.records).toEqual([expect.objectContaining({ type: 'order', externalId: '48213', status: 'shipped, in transit' })]);
    expect(c.posts.map((p) => p.nativeId)).toEqual(['o1']);
    expect(c.sla.firstResponse).toMatchObject({ due: '2026-04-01T13:00:00.000Z', state: 'ok' });
    expect(c.timeline.map((e) => e.type)).toEqual(['created']);
    expect(seen).toContain('case:new');
  });

  test('the SLA clock warns, then breaches as simulated time passes, and shows in the metrics', async () => {
    const id = caseDetail.parse((await call('POST', '/cases', { postIds: [postIds[1]], priority: 'urgent' })).body).id;
    now = new Date('2026-04-01T09:50:00Z');
    expect(caseDetail.parse((await call('GET', `/cases/${id}`)).body).sla.firstResponse.state).toBe('warning');
    now = new Date('2026-04-01T10:01:00Z');
    expect(caseDetail.parse((await call('GET', `/cases/${id}`)).body).sla.firstResponse.state).toBe('breached');
    const m = caseMetrics.parse((await call('GET', '/cases/metrics')).body);
    expect(m.open).toBe(2);
    expect(m.firstResponse.breachedOpen).toBe(1);
    expect(m.bySubject[0]).toMatchObject({ name: 'Acme', open: 2, breached: 1 });
  });

  test('responding, noting and resolving land on the timeline and stop the clocks', async () => {
    const id = caseDetail.parse((await call('POST', '/cases', { postIds: [postIds[0]], title: 'Order 48213 late' })).body).id;
    now = new Date('2026-04-01T10:30:00Z');
    await call('POST', `/cases/${id}/responded`);
    await call('POST', `/cases/${id}/notes`, { text: 'Called the carrier.' });
    const resolved = caseDetail.parse((await call('PATCH', `/cases/${id}`, { status: 'resolved' })).body);
    expect(resolved.sla.firstResponse.state).toBe('met');
    expect(resolved.sla.resolution.state).toBe('met');
    expect(resolved.timeline.map((e) => e.type)).toEqual(['created', 'responded', 'note', 'updated']);
    const open = casesResponse.parse((await call('GET', '/cases?open=true')).body);
    expect(open.cases.map((c) => c.id)).not.toContain(id);
  });

  test('a case is assigned to a person by name; only active staff who work cases can be chosen', async () => {
    const d = db().db;
    const add = (name: string, role: 'responder' | 'viewer' | 'supplier' | 'approver') => insertUser(d, { email: `${name.toLowerCase()}@acme.test`, name, role, passwordHash: 'x' });
    const [dana, vic, sam, old] = [await add('Dana', 'responder'), await add('Vic', 'viewer'), await add('Sam', 'supplier'), await add('Olga', 'approver')];
    await updateUser(d, old.id, { disabledAt: now }, now);

    const people = assigneesResponse.parse((await call('GET', '/cases/assignees')).body).people;
    expect(people.map((p) => p.name)).toContain('Dana');
    expect(people.map((p) => p.id)).not.toContain(vic.id);
    expect(people.map((p) => p.id)).not.toContain(sam.id);
    expect(people.map((p) => p.id)).not.toContain(old.id);

    const id = caseDetail.parse((await call('POST', '/cases', { postIds: [postIds[1]], title: 'Assign me' })).body).id;
    expect(casesResponse.parse((await call('GET', '/cases?assignee=none')).body).cases.map((c) => c.id)).toContain(id);
    const assigned = caseDetail.parse((await call('PATCH', `/cases/${id}`, { assigneeId: dana.id })).body);
    expect(assigned).toMatchObject({ assigneeId: dana.id, assigneeName: 'Dana' });
    const mine = casesResponse.parse((await call('GET', `/cases?assignee=${dana.id}`)).body).cases;
    expect(mine.map((c) => [c.id, c.assigneeName])).toEqual([[id, 'Dana']]);
    expect(casesResponse.parse((await call('GET', '/cases?assignee=none')).body).cases.map((c) => c.id)).not.toContain(id);

    for (const who of [vic.id, sam.id, old.id, 987654]) {
      const refused = await call('PATCH', `/cases/${id}`, { assigneeId: who });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'unknown_assignee' } });
    }
    expect((await call('POST', '/cases', { postIds: [postIds[1]], assigneeId: vic.id })).status).toBe(400);
    // Refused changes left the case with Dana; clearing it returns it to nobody.
    expect(caseDetail.parse((await call('GET', `/cases/${id}`)).body).assigneeName).toBe('Dana');
    expect(caseDetail.parse((await call('PATCH', `/cases/${id}`, { assigneeId: null })).body).assigneeName).toBeNull();
  });

  test.each([
    { what: 'no posts and no issue', body: { postIds: [] }, status: 400 },
    { what: 'a post that does not exist', body: { postIds: [987654] }, status: 404 },
    { what: 'an unknown priority', body: { postIds: [1], priority: 'asap' }, status: 400 },
  ])('creating a case from $what is a clear $status', async ({ body, status }) => {
    expect((await call('POST', '/cases', body)).status).toBe(status);
  });
});

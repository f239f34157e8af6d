/**
 * A supplier's own account sees the supplier cases addressed to its supplier and their evidence,
 * nothing else: not another supplier's case, not a customer case about its own supplier, not the
 * company's internal notes, and no other route of the API. Scoping is proven over HTTP against the
 * whole app behind the auth gate.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { caseDetail as caseDetailSchema } from '../../shared/api/cases';
import { supplierCaseDetail, supplierCasesResponse } from '../../shared/api/supplier';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { ingestBatch } from '../../server/pipeline/ingest';
import { addNote, createCase } from '../../server/services/cases.service';
import { supplierTimeline } from '../../server/services/supplier-cases.service';
import { buildFullApp, clock, Client, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

const INTERNAL_NOTE = 'internal: Kestrel is on probation, do not tell them about the audit';

describeEachDatabase('supplier accounts', (db) => {
  let server: { url: string; close(): Promise<void> };
  let kestrel: Client;
  let admin: Client;
  let adminId: number;
  let supplierUserId: number;
  const ids = { kestrel: 0, osprey: 0, company: 0, ownCase: 0, otherCase: 0, customerCase: 0, ownPost: 0, otherPost: 0 };

  beforeAll(async () => {
    const d = db().db;
    ids.kestrel = (await insertSubject(d, { kind: 'supplier', name: 'Kestrel Parts', query: 'kestrel' })).id;
    ids.osprey = (await insertSubject(d, { kind: 'supplier', name: 'Osprey Metals', query: 'osprey' })).id;
    ids.company = (await insertSubject(d, { kind: 'company', name: 'Acme', query: 'acme' })).id;
    const stored = await ingestBatch(
      d,
      wordAnalyzer({ kestrel: ids.kestrel, osprey: ids.osprey, acme: ids.company }),
      { id: 'test', kind: 'test' },
      {
        posts: [
          makePost({ nativeId: 'k1', text: 'bad kestrel hinge snapped again, lot 44' }),
          makePost({ nativeId: 'o1', text: 'bad osprey bracket rusted through' }),
          makePost({ nativeId: 'c1', text: 'bad kestrel part in my acme order, refund please' }),
        ],
        cursor: null,
      },
      clock.now(),
    );
    ids.ownPost = stored.stored[0]!.id;
    ids.otherPost = stored.stored[1]!.id;
    const customerPost = stored.stored[2]!.id;
    ids.ownCase = await createCase(d, { postIds: [ids.ownPost], title: 'Kestrel hinges snapping', tags: [], kind: 'supplier' }, null, clock.now());
    ids.otherCase = await createCase(d, { postIds: [ids.otherPost], title: 'Osprey brackets rusting', tags: [], kind: 'supplier' }, null, clock.now());
    ids.customerCase = await createCase(d, { postIds: [customerPost], title: 'Refund for a Kestrel part', tags: [], kind: 'customer' }, null, clock.now());
    await addNote(d, ids.ownCase, INTERNAL_NOTE, null, clock.now());

    server = await listenOnFreePort(await buildFullApp(db()));
    const supplierUser = await makeUser(db(), 'supplier', { supplierSubjectId: ids.kestrel });
    supplierUserId = supplierUser.id;
    kestrel = new Client(server.url);
    Object.assign(kestrel, await sessionFor(db(), supplierUser.id));
    const a = await makeUser(db(), 'admin');
    adminId = a.id;
    admin = new Client(server.url);
    Object.assign(admin, await sessionFor(db(), a.id));
  });
  afterAll(() => server?.close());

  test('the cases were set up as the test assumes: one supplier case per supplier and a customer case about Kestrel', async () => {
    const all = await admin.call('GET', '/api/cases');
    const cases = (all.body as { cases: Array<{ id: number; kind: string; subjectId: number | null }> }).cases;
    expect(cases.map((c) => [c.id, c.kind, c.subjectId]).sort()).toEqual(
      [
        [ids.ownCase, 'supplier', ids.kestrel],
        [ids.otherCase, 'supplier', ids.osprey],
        [ids.customerCase, 'customer', ids.kestrel],
      ].sort(),
    );
  });

  test('a supplier lists only the supplier cases addressed to its own supplier', async () => {
    const r = await kestrel.call('GET', '/api/supplier/cases');
    expect(r.status).toBe(200);
    const { cases } = supplierCasesResponse.parse(r.body);
    expect(cases.map((c) => c.id)).toEqual([ids.ownCase]);
    expect(cases[0]!.supplierName).toBe('Kestrel Parts');
  });

  test('a supplier reads its case with the evidence, but not the company\'s internal notes or assignees', async () => {
    const r = await kestrel.call('GET', `/api/supplier/cases/${ids.ownCase}`);
    expect(r.status).toBe(200);
    const detail = supplierCaseDetail.parse(r.body);
    expect(detail.posts.map((p) => p.text)).toEqual(['bad kestrel hinge snapped again, lot 44']);
    expect(detail.timeline.map((e) => e.type)).toEqual(['created']);
    expect(r.text).not.toContain('probation');
    expect(r.text).not.toMatch(/assignee|subjectIds|issueIds|caseIds|actorId|actorName/);
    // Staff still see the note: it was stored, only hidden from the supplier.
    const staff = caseDetailSchema.parse((await admin.call('GET', `/api/cases/${ids.ownCase}`)).body);
    expect(staff.timeline.map((e) => e.type)).toContain('note');
  });

  test.each([
    { what: "another supplier's case", key: 'otherCase' as const },
    { what: 'a customer case about its own supplier', key: 'customerCase' as const },
  ])('$what is "not found" to a supplier, for reading and for acknowledging', async ({ key }) => {
    const before = caseDetailSchema.parse((await admin.call('GET', `/api/cases/${ids[key]}`)).body).timeline.length;
    const read = await kestrel.call('GET', `/api/supplier/cases/${ids[key]}`);
    expect(read.status).toBe(404);
    expect(read.text).not.toMatch(/Osprey|rusted|Refund/);
    const ack = await kestrel.call('POST', `/api/supplier/cases/${ids[key]}/acknowledge`, { message: 'seen' });
    expect(ack.status).toBe(404);
    const after = caseDetailSchema.parse((await admin.call('GET', `/api/cases/${ids[key]}`)).body).timeline.length;
    expect(after).toBe(before);
  });

  test('a supplier acknowledges its own case; staff see the acknowledgement on the timeline', async () => {
    const r = await kestrel.call('POST', `/api/supplier/cases/${ids.ownCase}/acknowledge`, { message: 'Investigating lot 44, 8D report by Friday' });
    expect(r.status).toBe(200);
    const detail = supplierCaseDetail.parse(r.body);
    expect(detail.acknowledgedAt).toBe(clock.now().toISOString());
    expect(detail.timeline.at(-1)).toMatchObject({ type: 'acknowledged', message: 'Investigating lot 44, 8D report by Friday' });
    const staff = caseDetailSchema.parse((await admin.call('GET', `/api/cases/${ids.ownCase}`)).body);
    expect(staff.timeline.at(-1)).toMatchObject({ type: 'supplier_acknowledged', actorId: supplierUserId });
    const list = supplierCasesResponse.parse((await kestrel.call('GET', '/api/supplier/cases')).body);
    expect(list.cases[0]!.acknowledgedAt).toBe(clock.now().toISOString());
  });

  test.each([
    ['GET', '/api/cases'],
    ['GET', `/api/cases/:own`],
    ['GET', '/api/cases/metrics'],
    ['POST', `/api/cases/:own/notes`],
    ['GET', '/api/mentions'],
    ['GET', `/api/posts/:post/rationale`],
    ['GET', '/api/subjects'],
    ['GET', `/api/subjects/:osprey`],
    ['GET', '/api/issues'],
    ['GET', '/api/alerts'],
    ['GET', '/api/stats/scorecard'],
    ['GET', '/api/events'],
    ['GET', '/api/users'],
    ['GET', '/api/tokens'],
    ['POST', '/api/tokens'],
    ['GET', '/api/audit'],
    ['POST', '/api/ingest'],
  ])('a supplier gets 403 from %s %s', async (method, path) => {
    const concrete = path.replace(':own', String(ids.ownCase)).replace(':post', String(ids.ownPost)).replace(':osprey', String(ids.osprey));
    const r = await kestrel.call(method, concrete, method === 'GET' ? undefined : { text: 'x', name: 'x', scope: 'read' });
    expect(r.status).toBe(403);
    expect(r.text).not.toMatch(/kestrel hinge|Osprey/i);
  });

  test('staff have no supplier portal: the routes are for supplier accounts only', async () => {
    expect((await admin.call('GET', '/api/supplier/cases')).status).toBe(403);
    expect((await admin.call('GET', `/api/supplier/cases/${ids.ownCase}`)).status).toBe(403);
  });

  test('moving a supplier account to another supplier ends its sessions, and a new session sees only the new supplier', async () => {
    const moved = await makeUser(db(), 'supplier', { supplierSubjectId: ids.kestrel });
    const c = new Client(server.url);
    Object.assign(c, await sessionFor(db(), moved.id));
    expect(supplierCasesResponse.parse((await c.call('GET', '/api/supplier/cases')).body).cases.map((x) => x.id)).toEqual([ids.ownCase]);
    expect((await admin.call('PATCH', `/api/users/${moved.id}`, { supplierSubjectId: ids.osprey })).status).toBe(200);
    // Same role, new supplier: the old session ends, as with a role change.
    expect((await c.call('GET', '/api/supplier/cases')).status).toBe(401);
    const fresh = new Client(server.url);
    Object.assign(fresh, await sessionFor(db(), moved.id));
    expect(supplierCasesResponse.parse((await fresh.call('GET', '/api/supplier/cases')).body).cases.map((x) => x.id)).toEqual([ids.otherCase]);
    expect((await fresh.call('GET', `/api/supplier/cases/${ids.ownCase}`)).status).toBe(404);
  });

  test('an admin ends every session of another user, and it is audited', async () => {
    const viewer = await makeUser(db(), 'viewer');
    const sessions = [new Client(server.url), new Client(server.url)];
    for (const s of sessions) Object.assign(s, await sessionFor(db(), viewer.id));
    for (const s of sessions) expect((await s.call('GET', '/api/session')).status).toBe(200);
    const r = await admin.call('DELETE', `/api/users/${viewer.id}/sessions`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ sessionsEnded: 2 });
    for (const s of sessions) expect((await s.call('GET', '/api/session')).status).toBe(401);
    const log = (await admin.call('GET', '/api/audit?action=logout.everywhere')).body as { entries: Array<{ actorId: number; targetId: string; details: { sessionsEnded: number } }> };
    expect(log.entries[0]).toMatchObject({ actorId: adminId, targetId: String(viewer.id), details: { sessionsEnded: 2 } });
    expect((await admin.call('DELETE', '/api/users/999999/sessions')).status).toBe(404);
    // The admin's own session was not one of them.
    expect((await admin.call('GET', '/api/session')).status).toBe(200);
  });
});

test('the supplier timeline keeps creation, escalation, status, responses and acknowledgements, and drops notes and routing details', () => {
  const at = '2026-03-10T12:00:00.000Z';
  const timeline = supplierTimeline([
    { at, type: 'created', actorId: 1, actorName: 'Someone', details: { priority: 'high' } },
    { at, type: 'escalated', actorId: 1, actorName: 'Someone', details: { to: ['qa@kestrel.example'], via: 'email' } },
    { at, type: 'escalation.delivered', actorId: 1, actorName: 'Someone', details: { receipt: 'abc' } },
    { at, type: 'note', actorId: 1, actorName: 'Someone', details: { text: 'internal' } },
    { at, type: 'updated', actorId: 1, actorName: 'Someone', details: { assigneeId: 3 } },
    { at, type: 'updated', actorId: 1, actorName: 'Someone', details: { status: 'waiting_supplier' } },
    { at, type: 'supplier_acknowledged', actorId: 9, actorName: 'Someone', details: { message: 'on it' } },
  ]);
  expect(timeline.map((e) => [e.type, e.status, e.message])).toEqual([
    ['created', null, null],
    ['escalated', null, null],
    ['status', 'waiting_supplier', null],
    ['acknowledged', null, 'on it'],
  ]);
  expect(JSON.stringify(timeline)).not.toMatch(/kestrel\.example|internal|receipt|Someone/);
});

/**
 * Escalating an issue to its supplier through HTTP: a supplier case with the representative posts,
 * the supplier as subject and a due date; the evidence reaches a local SMTP server (letter plus
 * evidence.json and posts.csv attached) or a signed webhook; a failed delivery is on the timeline.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { caseDetail } from '../../shared/api/cases';
import { escalationView } from '../../shared/api/escalations';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createApp } from '../../server/http/app';
import { casesRoutes } from '../../server/http/routes/cases.routes';
import { escalationsRoutes } from '../../server/http/routes/escalations.routes';
import { createLogger } from '../../server/logger';
import { Mailer } from '../../server/notify/email.notifier';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import { Client, clock, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.fake';
import { startFakeWebhook, type FakeWebhook } from '../fakes/webhook.fake';

describeEachDatabase('supplier escalation', (db) => {
  let server: { url: string; close(): Promise<void> };
  let smtp: FakeSmtp;
  let hook: FakeWebhook;
  let mailer: Mailer;
  let analyst: Client;
  let viewer: Client;
  let issueId: number;
  let supplierId: number;

  beforeAll(async () => {
    [smtp, hook] = await Promise.all([startFakeSmtp(), startFakeWebhook()]);
    mailer = new Mailer(smtp.url, 'earshot@acme.example');
    const d = db();
    const deps = { database: d, clock, events: new EventHub() };
    server = await listenOnFreePort(createApp({ database: d, logger: createLogger('silent'), version: 't', sourceHealth: () => [], webDir: null, auth: { database: d }, routers: [casesRoutes(deps), escalationsRoutes({ ...deps, mailer })] }));
    const clients: Client[] = [];
    for (const role of ['analyst', 'viewer'] as const) {
      const s = await sessionFor(d, (await makeUser(d, role)).id);
      const c = new Client(server.url);
      c.cookie = s.cookie;
      c.csrfToken = s.csrfToken;
      clients.push(c);
    }
    [analyst, viewer] = clients as [Client, Client];
    const acme = await insertSubject(d.db, { kind: 'company', name: 'Acme', query: 'acme' });
    supplierId = (await insertSubject(d.db, { kind: 'supplier', name: 'Kestrel Parts', query: 'kestrel' })).id;
    const at = (h: number) => new Date(clock.now().getTime() - h * 3_600_000);
    const r = await ingestBatch(
      d.db,
      wordAnalyzer({ acme: acme.id }),
      { id: 'test', kind: 'test' },
      {
        posts: [
          makePost({ nativeId: 'h1', text: 'bad acme hinge snapped, lot L2231', createdAt: at(30), url: 'https://x.com/ann/status/1', author: { id: 'ann', handle: 'ann', name: null, followers: null } }),
          makePost({ nativeId: 'h2', text: 'bad acme hinge broke after 2 days', createdAt: at(5), author: { id: 'bob', handle: 'bob', name: null, followers: null } }),
        ],
        cursor: null,
      },
      clock.now(),
    );
    const postIds = r.stored.map((x) => x.id);
    const issue = await d.db
      .insertInto('issues')
      .values({ subject_id: acme.id, label: 'hinges snapping', key_terms: JSON.stringify(['hinge', 'snapped']), refs: JSON.stringify([{ type: 'lot', value: 'L2231' }, { type: 'part', value: 'HX-220' }]), representative_post_ids: JSON.stringify(postIds), first_seen: at(30), last_seen: at(5), posts: 2, distinct_texts: 2, distinct_authors: 2 })
      .returning('id')
      .executeTakeFirstOrThrow();
    issueId = issue.id;
    await d.db.insertInto('post_issues').values(postIds.map((post_id) => ({ issue_id: issueId, post_id }))).execute();
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([smtp?.close(), hook?.close()]);
  });

  test('an escalation by e-mail opens a supplier case and mails the evidence with it attached', async () => {
    const r = await analyst.call('POST', `/api/issues/${issueId}/escalate`, { supplierId, contact: { kind: 'email', to: ['quality@kestrel.example'] }, note: 'Please trace lot L2231.' });
    expect(r.status, r.text).toBe(201);
    const e = escalationView.parse(r.body);
    expect(e).toMatchObject({ delivered: true, error: null });
    expect(e.evidence.references).toEqual([{ type: 'lot', values: ['L2231'] }, { type: 'part', values: ['HX-220'] }]);
    expect(e.evidence.posts.map((p) => p.author)).toEqual(['ann', 'bob']);
    expect(e.evidence.counts).toMatchObject({ posts: 2, distinctAuthors: 2, last7Days: 2 });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(['quality@kestrel.example']);
    const raw = mail.raw.replace(/=\r\n/g, '');
    expect(raw).toContain(`Non-conformance #${e.caseId}: hinges snapping`);
    expect(raw).toContain('Non-conformance report');
    expect(raw).toMatch(/filename=.?evidence\.json/);
    expect(raw).toMatch(/filename=.?posts\.csv/);

    const c = caseDetail.parse((await analyst.call('GET', `/api/cases/${e.caseId}`)).body);
    expect(c).toMatchObject({ kind: 'supplier', subjectId: supplierId, subjectName: 'Kestrel Parts', status: 'waiting_supplier', issueId, priority: 'high' });
    expect(c.dueAt).toBe(new Date(clock.now().getTime() + 7 * 86_400_000).toISOString());
    expect(c.posts).toHaveLength(2);
    expect(c.timeline.map((t) => t.type)).toEqual(['created', 'escalated', 'escalation.delivered']);
    const audit = await db().db.selectFrom('audit_log').selectAll().where('action', '=', 'supplier.escalated').where('target_id', '=', String(e.caseId)).execute();
    expect(audit).toHaveLength(1);
  });

  test('by webhook: the evidence is POSTed, signed', async () => {
    const r = await analyst.call('POST', `/api/issues/${issueId}/escalate`, { supplierId, contact: { kind: 'webhook', url: `${hook.url}/ncr`, secret: 'shared-secret' }, dueAt: '2026-03-13T00:00:00Z' });
    expect(r.status).toBe(201);
    expect(hook.received).toHaveLength(1);
    const got = hook.received[0]!;
    const [t, v1] = String(got.headers['x-earshot-signature']).split(',').map((x) => x.split('=')[1]!);
    expect(v1).toBe(createHmac('sha256', 'shared-secret').update(`${t}.${got.body}`).digest('hex'));
    const payload = JSON.parse(got.body) as { event: string; evidence: { dueAt: string; references: unknown[] } };
    expect(payload).toMatchObject({ event: 'supplier.escalated', evidence: { dueAt: '2026-03-13T00:00:00.000Z' } });
  });

  test('a delivery that fails leaves the case, with the failure on its timeline', async () => {
    hook.failNext(1, 500);
    const r = await analyst.call('POST', `/api/issues/${issueId}/escalate`, { supplierId, contact: { kind: 'webhook', url: hook.url } });
    const e = escalationView.parse(r.body);
    expect(e).toMatchObject({ delivered: false, error: expect.stringContaining('answered 500') });
    const c = caseDetail.parse((await analyst.call('GET', `/api/cases/${e.caseId}`)).body);
    expect(c.timeline.map((t) => t.type)).toEqual(['created', 'escalated', 'escalation.failed']);
  });

  test('bad input: not a supplier, an unknown issue, a bad address; viewers may not escalate', async () => {
    const company = (await db().db.selectFrom('subjects').select('id').where('kind', '=', 'company').executeTakeFirstOrThrow()).id;
    expect((await analyst.call('POST', `/api/issues/${issueId}/escalate`, { supplierId: company, contact: { kind: 'email', to: ['q@x.example'] } })).body).toMatchObject({ error: { code: 'not_a_supplier' } });
    expect((await analyst.call('POST', '/api/issues/999999/escalate', { supplierId, contact: { kind: 'email', to: ['q@x.example'] } })).status).toBe(404);
    expect((await analyst.call('POST', `/api/issues/${issueId}/escalate`, { supplierId, contact: { kind: 'email', to: ['not an address'] } })).status).toBe(400);
    expect((await viewer.call('POST', `/api/issues/${issueId}/escalate`, { supplierId, contact: { kind: 'email', to: ['q@x.example'] } })).status).toBe(403);
  });
});

/**
 * Cases opened by rules, SLA breach alerts and reference patterns, through the HTTP API behind the
 * auth gate: rules saved by a responder open routed cases in the derive step, once per post or
 * issue; deadlines passing raise one alert per case and clock, settled by a response or a
 * resolution; deployment patterns are checked on save and found in posts ingested after.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { alertsResponse } from '../../shared/api/alerts';
import { caseDetail, caseMetrics, casesResponse } from '../../shared/api/cases';
import type { Clock } from '../../server/clock';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import { Deriver } from '../../server/pipeline/derive';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import { buildFullApp, Client, clock as appClock, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';

const HOUR = 3_600_000;

describeEachDatabase('case rules, SLA breach alerts and reference patterns', (db) => {
  let server: { url: string; close(): Promise<void> };
  const as: Record<'admin' | 'responder' | 'analyst' | 'viewer', Client> = {} as never;
  let responderId: number;
  let now = appClock.now();
  const clock: Clock = { now: () => now, sleep: async () => {} };
  const events = new EventHub();
  const published: string[] = [];
  events.subscribe((e) => published.push(e.type));
  let deriver: Deriver;
  let analyzer: ReturnType<typeof wordAnalyzer>;
  let seq = 0;
  const post = (text: string, author: string, at = new Date(now.getTime() - 10 * 60_000)) => makePost({ nativeId: `r${seq++}`, text, createdAt: at, author: { id: author, handle: author, name: null, followers: null } });
  const ingest = async (...posts: ReturnType<typeof post>[]) => (await ingestBatch(db().db, analyzer, { id: 'test', kind: 'test' }, { posts, cursor: null }, now)).stored.map((s) => s.id);
  const cases = async () => casesResponse.parse((await as.viewer.call('GET', '/api/cases?limit=500')).body).cases;
  const slaAlerts = async () => alertsResponse.parse((await as.viewer.call('GET', '/api/alerts?limit=500')).body).alerts.filter((a) => a.kind === 'sla_breach');

  beforeAll(async () => {
    const acme = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme', handles: ['@AcmeHelp'] });
    analyzer = wordAnalyzer({ acme: acme.id });
    deriver = new Deriver({ db: db().db, clock, logger: createLogger('silent'), events });
    server = await listenOnFreePort(await buildFullApp(db()));
    for (const role of ['admin', 'responder', 'analyst', 'viewer'] as const) {
      const u = await makeUser(db(), role);
      if (role === 'responder') responderId = u.id;
      const c = new Client(server.url);
      const s = await sessionFor(db(), u.id);
      c.cookie = s.cookie;
      c.csrfToken = s.csrfToken;
      as[role] = c;
    }
  });
  afterAll(() => server?.close());

  const rules = () => [
    {
      id: 'order-complaints',
      name: 'Negative customer posts quoting an order',
      trigger: { on: 'post', sentiment: 'negative', reference: 'order', fromCustomer: true },
      queue: 'orders',
      routes: [{ aspect: 'delivery', queue: 'logistics' }],
      tags: ['auto'],
    },
    { id: 'wide-issues', name: 'Issues with four voices', trigger: { on: 'issue', minAuthors: 4 }, assigneeId: responderId, priority: 'urgent' },
  ];

  test('a responder saves case rules; a viewer may read but not change them; bad rules are clear 400s', async () => {
    expect((await as.viewer.call('PUT', '/api/case-rules', { rules: rules() })).status).toBe(403);
    expect((await as.responder.call('PUT', '/api/case-rules', { rules: [{ id: 'x', name: 'X', trigger: { on: 'issue', minAuthors: 0 } }] })).status).toBe(400);
    const unknown = await as.responder.call('PUT', '/api/case-rules', { rules: [{ id: 'x', name: 'X', trigger: { on: 'post' }, assigneeId: 987654 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('987654');
    const saved = await as.responder.call('PUT', '/api/case-rules', { rules: rules() });
    expect(saved.status).toBe(200);
    const read = await as.viewer.call('GET', '/api/case-rules');
    expect((read.body as { rules: Array<{ id: string; enabled: boolean }> }).rules.map((r) => [r.id, r.enabled])).toEqual([
      ['order-complaints', true],
      ['wide-issues', true],
    ]);
  });

  test("a negative customer post quoting an order opens one case, routed by its aspect; the company's own post and a calm one do not", async () => {
    const before = (await cases()).length;
    const [complaint] = await ingest(
      post('bad acme, order #48213 is late again', 'ann'),
      post('bad acme: we are sorry about order #777, DM us', 'AcmeHelp'),
      post('acme order #555 arrived, thanks', 'bob'),
      post('bad acme, where is order #9001?', 'cid'),
    );
    await deriver.runOnce();
    const opened = (await cases()).slice(0, (await cases()).length - before);
    expect(opened.map((c) => [c.title, c.queue, c.tags]).sort()).toEqual([
      ['bad acme, order #48213 is late again', 'logistics', ['auto']],
      ['bad acme, where is order #9001?', 'orders', ['auto']],
    ]);
    const detail = caseDetail.parse((await as.viewer.call('GET', `/api/cases/${opened.find((c) => c.queue === 'logistics')!.id}`)).body);
    expect(detail.posts.map((p) => p.id)).toEqual([complaint]);
    expect(detail.timeline.map((e) => e.type)).toEqual(['created', 'opened_by_rule']);
    expect(detail.timeline[1]!.details).toMatchObject({ ruleId: 'order-complaints', queue: 'logistics' });
    expect(published).toContain('case');
  });

  test('derive running again, or the same post queued twice, opens no second case', async () => {
    const count = (await cases()).length;
    await deriver.runOnce();
    const posts = await db().db.selectFrom('posts').select('id').execute();
    await db().db.insertInto('derive_queue').values(posts.map((p) => ({ post_id: p.id }))).onConflict((oc) => oc.doNothing()).execute();
    await deriver.runOnce();
    expect((await cases()).length).toBe(count);
  });

  test('an issue reaching four distinct authors opens one case for the issue, assigned to the rule’s person', async () => {
    // (The late-order complaints above form an issue of three authors: under the threshold.)
    await ingest(post('bad acme housing cracked after a week', 'dee'), post('bad acme, my housing is cracked', 'eve'), post('bad acme: cracked housing again', 'fay'));
    await deriver.runOnce();
    expect((await cases()).filter((c) => c.issueId !== null)).toEqual([]);
    await ingest(post('bad acme cracked housing, fourth time', 'gus'));
    await deriver.runOnce();
    const issueCases = (await cases()).filter((c) => c.issueId !== null);
    expect(issueCases).toHaveLength(1);
    expect(issueCases[0]).toMatchObject({ assigneeId: responderId, priority: 'urgent' });
  });

  test('a passing deadline raises one sla_breach alert per case and clock, delivered like any alert, settled by a response and a resolution', async () => {
    const target = await as.admin.call('PUT', '/api/settings/alert-targets', { targets: [{ id: 'ops', kind: 'webhook', name: 'Ops', url: 'http://127.0.0.1:9/hook', minSeverity: 'warning' }] });
    expect(target.status).toBe(200);
    const kase = (await cases()).find((c) => c.queue === 'orders')!;
    expect(kase.priority).toBe('high');
    // High priority: first response in 4 h, resolution in 24 h.
    now = new Date(now.getTime() + 3 * HOUR);
    await deriver.runOnce();
    expect((await slaAlerts()).filter((a) => a.why.summary.includes(`#${kase.id} `))).toEqual([]);
    now = new Date(now.getTime() + 2 * HOUR);
    await deriver.runOnce();
    await deriver.runOnce();
    const first = (await slaAlerts()).filter((a) => a.why.summary.includes(`#${kase.id} `));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ status: 'open', severity: 'critical', subjectName: 'Acme' });
    expect(first[0]!.why.summary).toContain('first response overdue');
    const deliveries = (await as.viewer.call('GET', `/api/alerts/${first[0]!.id}/deliveries`)).body as { deliveries: Array<{ target: string }> };
    expect(deliveries.deliveries.map((d) => d.target)).toEqual(['ops']);
    expect(caseDetail.parse((await as.viewer.call('GET', `/api/cases/${kase.id}`)).body).timeline.map((e) => e.type)).toContain('sla_breached');

    expect((await as.responder.call('POST', `/api/cases/${kase.id}/responded`)).status).toBe(200);
    expect((await slaAlerts()).find((a) => a.id === first[0]!.id)!.status).toBe('resolved');
    // The clock stays settled: later ticks raise nothing more for it.
    now = new Date(now.getTime() + 20 * HOUR);
    await deriver.runOnce();
    const later = (await slaAlerts()).filter((a) => a.why.summary.includes(`#${kase.id} `));
    expect(later.map((a) => [a.why.summary.includes('resolution') ? 'resolution' : 'first', a.status]).sort()).toEqual([
      ['first', 'resolved'],
      ['resolution', 'open'],
    ]);
    expect((await as.responder.call('PATCH', `/api/cases/${kase.id}`, { status: 'resolved' })).status).toBe(200);
    expect((await slaAlerts()).filter((a) => a.why.summary.includes(`#${kase.id} `) && a.status !== 'resolved')).toEqual([]);
    await deriver.runOnce();
    expect((await slaAlerts()).filter((a) => a.why.summary.includes(`#${kase.id} `))).toHaveLength(2);
  });

  test('the metrics break cases down by subject, issue and agent', async () => {
    const m = caseMetrics.parse((await as.viewer.call('GET', '/api/cases/metrics?days=30')).body);
    const total = (await cases()).length;
    expect(m.breakdown.subject.reduce((n, g) => n + g.total, 0)).toBe(total);
    expect(m.breakdown.agent.find((g) => g.id === responderId)).toMatchObject({ total: 1, open: 1 });
    expect(m.breakdown.issue.filter((g) => g.id !== null)).toHaveLength(1);
    // The API's clock stands still at the case's opening: its response and resolution came in time.
    expect(m.firstResponse).toMatchObject({ met: 1, missed: 0, medianMin: 0 });
    expect(m.resolution).toMatchObject({ met: 1, missed: 0 });
  });

  test('reference patterns: checked on save (slow and broken ones refused with the reason), then found in new posts', async () => {
    const claim = { name: 'claim', regex: String.raw`\bclaim\s*#?(\d{5})\b`, test: 'my claim #12345' };
    expect((await as.viewer.call('PUT', '/api/reference-patterns', { patterns: [claim] })).status).toBe(403);
    const slow = await as.analyst.call('PUT', '/api/reference-patterns', { patterns: [claim, { name: 'slow', regex: String.raw`ref ((\d+\s?)+)$`, test: 'ref 12 34' }] });
    expect(slow.status).toBe(400);
    expect((slow.body as { error: { details: { errors: Record<string, string> } } }).error.details.errors.slow).toMatch(/10 KB/);
    const miss = await as.analyst.call('PUT', '/api/reference-patterns', { patterns: [{ ...claim, test: 'no number here' }] });
    expect(miss.status).toBe(400);
    expect(miss.text).toContain('does not match its own test string');

    const tried = await as.analyst.call('POST', '/api/reference-patterns/test', { patterns: [claim], text: 'claim 55555 about order #48213' });
    expect((tried.body as { references: Array<{ type: string; value: string }> }).references.map((r) => `${r.type}:${r.value}`)).toEqual(['claim:55555', 'order:48213']);
    expect((await as.analyst.call('PUT', '/api/reference-patterns', { patterns: [claim] })).status).toBe(200);
    expect(((await as.viewer.call('GET', '/api/reference-patterns')).body as { patterns: unknown[]; builtIn: string[] })).toMatchObject({ patterns: [claim], builtIn: expect.arrayContaining(['order', 'invoice']) });

    const ingested = await as.admin.call('POST', '/api/ingest', { posts: [{ id: 'claim-1', text: 'Acme lost my claim #24680 twice', author: 'hal', createdAt: '2026-03-10T12:00:00Z' }] });
    expect(ingested.status).toBe(200);
    const mentions = (await as.viewer.call('GET', '/api/mentions?limit=50')).body as { posts: Array<{ nativeId: string; references: Array<{ type: string; value: string }> }> };
    expect(mentions.posts.find((p) => p.nativeId === 'claim-1')!.references).toEqual([{ type: 'claim', value: '24680' }]);
  });
});

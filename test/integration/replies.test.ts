/**
 * Replies through HTTP, as the dashboard makes them: draft → submit → approve → send to the local
 * Bluesky PDS fake, with the audit log and the case timeline checked at each step; exactly once
 * under concurrent retries, a crash before the network call, and an answer lost after the post
 * landed; a draft sent back with its note; bad input and network refusals.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { caseDetail } from '../../shared/api/cases';
import { candidatesView, previewView, replyAccountsResponse, replyView, type ReplyView } from '../../shared/api/replies';
import { deriveSecretKey, secretBox } from '../../server/auth/secrets';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { claimForSending } from '../../server/db/repositories/replies.repository';
import { ingestBatch } from '../../server/pipeline/ingest';
import { ReplyAccounts } from '../../server/replies/accounts';
import { reconcileUnsettled } from '../../server/replies/send.service';
import { buildFullApp, Client, clock, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';
import { startFakePds, type FakePds } from '../fakes/bluesky-pds.fake';

// The key buildFullApp seals secrets with.
const box = secretBox(deriveSecretKey('auth-app test key material, 32+ characters long'));

describeEachDatabase('replies', (db) => {
  let server: { url: string; close(): Promise<void> };
  let pds: FakePds;
  const as: Record<'admin' | 'responder' | 'approver', Client> = {} as never;
  const ids: Record<'admin' | 'responder' | 'approver', number> = {} as never;
  let complaint: number;
  let question: number;
  let subjectId: number;

  beforeAll(async () => {
    pds = await startFakePds();
    const app = await buildFullApp(db());
    server = await listenOnFreePort(app);
    for (const role of ['admin', 'responder', 'approver'] as const) {
      const u = await makeUser(db(), role);
      const s = await sessionFor(db(), u.id);
      const c = new Client(server.url);
      c.cookie = s.cookie;
      c.csrfToken = s.csrfToken;
      as[role] = c;
      ids[role] = u.id;
    }
    subjectId = (await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' })).id;
    const parent = pds.addPost('did:plc:customerann', 'bad acme, where is order #48213?');
    const other = pds.addPost('did:plc:customerbob', 'acme do you ship to Norway?');
    const r = await ingestBatch(
      db().db,
      wordAnalyzer({ acme: subjectId }),
      { id: 'test', kind: 'test' },
      {
        posts: [
          makePost({ nativeId: parent.uri, text: 'bad acme, where is order #48213?', author: { id: 'did:plc:customerann', handle: 'ann.bsky.social', name: null, followers: null } }),
          makePost({ nativeId: other.uri, text: 'acme do you ship to Norway?', author: { id: 'did:plc:customerbob', handle: 'bob.bsky.social', name: null, followers: null } }),
        ],
        cursor: null,
      },
      clock.now(),
    );
    [complaint, question] = r.stored.map((x) => x.id) as [number, number];
  });
  afterAll(async () => {
    await server?.close();
    await pds?.close();
  });

  const ok = async (c: Client, method: string, path: string, body?: unknown, status = 200) => {
    const r = await c.call(method, `/api${path}`, body);
    expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
    return r.body;
  };
  const newCase = async (postId: number) => caseDetail.parse(await ok(as.responder, 'POST', '/cases', { postIds: [postId] }, 201));
  const draft = async (caseId: number, body: string) => replyView.parse(await ok(as.responder, 'POST', '/replies', { caseId, body }, 201));
  const approved = async (caseId: number, body: string): Promise<ReplyView> => {
    const d = await draft(caseId, body);
    expect(replyView.parse(await ok(as.responder, 'POST', `/replies/${d.id}/submit`)).status).toBe('submitted');
    return replyView.parse(await ok(as.approver, 'POST', `/replies/${d.id}/approve`));
  };
  const auditFor = (replyId: number) => db().db.selectFrom('audit_log').select(['action', 'actor_id', 'details']).where('target_type', '=', 'reply').where('target_id', '=', String(replyId)).orderBy('id').execute();

  test('an admin sets up the Bluesky account replies go out from; the app password is sealed and never returned', async () => {
    const body = { handle: pds.account.handle, baseUrl: pds.origin, secrets: { identifier: pds.account.handle, appPassword: pds.account.password } };
    expect((await as.responder.call('PUT', '/api/reply-accounts/bluesky', body)).status).toBe(403);
    const put = await as.admin.call('PUT', '/api/reply-accounts/bluesky', body);
    expect(put.status).toBe(200);
    const list = await as.admin.call('GET', '/api/reply-accounts');
    expect(replyAccountsResponse.parse(list.body).accounts).toEqual([expect.objectContaining({ network: 'bluesky', handle: pds.account.handle, hasSecrets: true })]);
    for (const text of [put.text, list.text]) expect(text).not.toContain(pds.account.password);
    const row = await db().db.selectFrom('reply_accounts').select('secrets').where('network', '=', 'bluesky').executeTakeFirstOrThrow();
    expect(row.secrets).not.toContain(pds.account.password);
    expect(JSON.parse(box.open(row.secrets))).toEqual({ identifier: pds.account.handle, appPassword: pds.account.password });
    const audit = await db().db.selectFrom('audit_log').selectAll().where('action', '=', 'credential.changed').where('target_id', '=', 'bluesky').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain(pds.account.password);
    // Leaving secrets out keeps the stored ones.
    expect((await as.admin.call('PUT', '/api/reply-accounts/bluesky', { handle: pds.account.handle, baseUrl: pds.origin })).status).toBe(200);
  });

  test('draft → submit → approve → send: one post on the network, in the thread, with its link; every step audited and on the timeline', async () => {
    const c = await newCase(complaint);
    expect(c.priority).toBe('high');
    const candidates = candidatesView.parse(await ok(as.responder, 'POST', '/replies/candidates', { caseId: c.id }));
    expect(candidates).toMatchObject({ network: 'bluesky', needsApproval: true });
    const order = candidates.candidates.find((x) => x.templateId === 'order-status')!;
    expect(order.body).toContain('@ann.bsky.social');
    expect(order.body).toContain('48213');
    expect(order.count).toMatchObject({ network: 'bluesky', fits: true });

    const d = await draft(c.id, order.body);
    expect(d).toMatchObject({ status: 'draft', network: 'bluesky', needsApproval: true, authorId: ids.responder });
    // A responder cannot approve, nor send a reply that needs approval.
    expect((await as.responder.call('POST', `/api/replies/${d.id}/approve`)).status).toBe(403);
    expect((await as.responder.call('POST', `/api/replies/${d.id}/send`)).body).toMatchObject({ error: { code: 'needs_approval' } });
    await ok(as.responder, 'POST', `/replies/${d.id}/submit`);
    const a = replyView.parse(await ok(as.approver, 'POST', `/replies/${d.id}/approve`));
    expect(a).toMatchObject({ status: 'approved', approverId: ids.approver });

    const before = pds.created.length;
    const sent = replyView.parse(await ok(as.approver, 'POST', `/replies/${d.id}/send`));
    expect(pds.created.length).toBe(before + 1);
    const post = pds.created.at(-1)!;
    expect(sent).toMatchObject({ status: 'sent', sentId: post.uri, attempts: 1 });
    expect(sent.sentUrl).toBe(`https://bsky.app/profile/${pds.account.handle}/post/${post.uri.split('/').pop()}`);
    const parent = [...pds.records.values()].find((r) => r.value.text === 'bad acme, where is order #48213?')!;
    expect(post.value).toMatchObject({ text: order.body, reply: { root: { uri: parent.uri, cid: parent.cid }, parent: { uri: parent.uri, cid: parent.cid } } });

    const detail = caseDetail.parse(await ok(as.approver, 'GET', `/cases/${c.id}`));
    expect(detail.timeline.map((e) => e.type)).toEqual(['created', 'reply.drafted', 'reply.submitted', 'reply.approved', 'reply.send_started', 'reply.sent', 'responded']);
    expect(detail.sla.firstResponse.state).toBe('met');
    const audit = await auditFor(d.id);
    expect(audit.map((e) => [e.action, e.actor_id])).toEqual([
      ['reply.drafted', ids.responder],
      ['reply.submitted', ids.responder],
      ['reply.approved', ids.approver],
      ['reply.send_started', ids.approver],
      ['reply.sent', ids.approver],
    ]);
    expect(audit[0]!.details).toMatchObject({ body: order.body, network: 'bluesky' });
    expect(audit[4]!.details).toMatchObject({ url: sent.sentUrl });
    // Sending it again answers with the post already made.
    expect(replyView.parse(await ok(as.approver, 'POST', `/replies/${d.id}/send`)).sentId).toBe(post.uri);
    expect(pds.created.length).toBe(before + 1);
  });

  test('an approver sends a draft back with a note; the responder sees it, edits and resubmits', async () => {
    const c = await newCase(complaint);
    const d = await draft(c.id, 'You should have read the delivery terms.');
    expect(d.tone.ok).toBe(false);
    await ok(as.responder, 'POST', `/replies/${d.id}/submit`);
    expect((await as.approver.call('POST', `/api/replies/${d.id}/send-back`, { note: ' ' })).status).toBe(400);
    const back = replyView.parse(await ok(as.approver, 'POST', `/replies/${d.id}/send-back`, { note: 'Too defensive: apologise and give the order status.' }));
    expect(back).toMatchObject({ status: 'rejected', reviewNote: 'Too defensive: apologise and give the order status.', approverId: ids.approver });
    expect((await as.approver.call('POST', `/api/replies/${d.id}/send`)).status).toBe(409);
    const listed = await ok(as.responder, 'GET', `/cases/${c.id}/replies`);
    expect(listed).toMatchObject({ replies: [{ id: d.id, status: 'rejected', reviewNote: 'Too defensive: apologise and give the order status.' }] });
    const edited = replyView.parse(await ok(as.responder, 'PATCH', `/replies/${d.id}`, { body: "Hi @ann.bsky.social, sorry for the wait: order 48213 is with the carrier and arrives tomorrow." }));
    expect(edited).toMatchObject({ status: 'draft', tone: { ok: true } });
    expect(replyView.parse(await ok(as.responder, 'POST', `/replies/${d.id}/submit`)).status).toBe('submitted');
    const timeline = caseDetail.parse(await ok(as.responder, 'GET', `/cases/${c.id}`)).timeline;
    expect(timeline.find((e) => e.type === 'reply.sent_back')?.details).toMatchObject({ note: 'Too defensive: apologise and give the order status.' });
    expect((await auditFor(d.id)).map((e) => e.action)).toEqual(['reply.drafted', 'reply.submitted', 'reply.sent_back', 'reply.edited', 'reply.submitted']);
  });

  test('nobody approves their own reply', async () => {
    const c = await newCase(complaint);
    const d = replyView.parse(await ok(as.admin, 'POST', '/replies', { caseId: c.id, body: 'Hi, we are on it.' }, 201));
    await ok(as.admin, 'POST', `/replies/${d.id}/submit`);
    expect((await as.admin.call('POST', `/api/replies/${d.id}/approve`)).body).toMatchObject({ error: { code: 'own_reply' } });
  });

  test('the same send retried 5 times at once posts once', async () => {
    const c = await newCase(complaint);
    const a = await approved(c.id, 'Hi @ann.bsky.social, we are checking order 48213 now.');
    const before = pds.created.length;
    const results = await Promise.all(Array.from({ length: 5 }, () => as.approver.call('POST', `/api/replies/${a.id}/send`)));
    expect(pds.created.length - before).toBe(1);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status === 200) expect(replyView.parse(r.body)).toMatchObject({ status: 'sent', sentId: pds.created.at(-1)!.uri });
      else expect(r.body).toMatchObject({ error: { code: 'send_in_progress' } });
    }
    expect((await auditFor(a.id)).filter((e) => e.action === 'reply.sent')).toHaveLength(1);
    expect(replyView.parse(await ok(as.approver, 'GET', `/replies/${a.id}`))).toMatchObject({ status: 'sent', attempts: 1 });
  });

  test('a process that dies after writing the idempotency record and before the call: reconciled on restart, posted once', async () => {
    const c = await newCase(complaint);
    const a = await approved(c.id, 'Hi @ann.bsky.social, order 48213 is on its way.');
    // What sendReply commits before its network call; then the process "dies".
    const claimed = await claimForSending(db().db, a.id, ['approved'], newTidLike(), clock.now());
    expect(claimed?.status).toBe('sending');
    expect((await as.approver.call('POST', `/api/replies/${a.id}/send`)).body).toMatchObject({ error: { code: 'send_in_progress' } });
    const before = pds.created.length;
    // "Restart": a fresh sender (no session), the reconcile main.ts runs on start.
    const counts = await reconcileUnsettled({ db: db().db, senders: new ReplyAccounts(db().db, box), now: clock.now }, 0);
    expect(counts.sent).toBeGreaterThanOrEqual(1);
    expect(pds.created.length - before).toBe(1);
    expect(pds.created.at(-1)!.uri.endsWith(`/${claimed!.idempotency_key}`)).toBe(true);
    expect(replyView.parse(await ok(as.approver, 'GET', `/replies/${a.id}`))).toMatchObject({ status: 'sent', sentId: pds.created.at(-1)!.uri });
    // A second restart finds nothing to do.
    await reconcileUnsettled({ db: db().db, senders: new ReplyAccounts(db().db, box), now: clock.now }, 0);
    expect(pds.created.length - before).toBe(1);
  });

  test('a post that landed while its answer was lost is found, not posted again', async () => {
    const c = await newCase(complaint);
    const a = await approved(c.id, 'Hi @ann.bsky.social, a replacement for order 48213 ships today.');
    const before = pds.created.length;
    pds.failNext('createRecord', { status: 0, dropAfterCommit: true });
    const sent = replyView.parse(await ok(as.approver, 'POST', `/replies/${a.id}/send`));
    expect(pds.created.length - before).toBe(1);
    expect(sent).toMatchObject({ status: 'sent', sentId: pds.created.at(-1)!.uri });
  });

  test('the network refusing (429, then 403) fails clearly, posts nothing, and a later retry posts once', async () => {
    const c = await newCase(complaint);
    const a = await approved(c.id, 'Hi @ann.bsky.social, we are sorting order 48213 out today.');
    const before = pds.created.length;
    pds.failNext('createRecord', { status: 429, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, headers: { 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) } });
    const r1 = await as.approver.call('POST', `/api/replies/${a.id}/send`);
    expect(r1.status).toBe(502);
    expect(r1.body).toMatchObject({ error: { code: 'send_failed', message: expect.stringMatching(/rate limited \(429\).*try again in \d+ s/) } });
    pds.failNext('createRecord', { status: 403, body: { error: 'Forbidden', message: 'account suspended' } });
    const r2 = await as.approver.call('POST', `/api/replies/${a.id}/send`);
    expect(r2.body).toMatchObject({ error: { code: 'send_failed', message: expect.stringContaining('403') } });
    expect(pds.created.length).toBe(before);
    const sent = replyView.parse(await ok(as.approver, 'POST', `/replies/${a.id}/send`));
    expect(sent).toMatchObject({ status: 'sent', attempts: 3 });
    expect(pds.created.length - before).toBe(1);
    expect((await auditFor(a.id)).map((e) => e.action).filter((x) => x === 'reply.failed')).toHaveLength(2);
  });

  test('a reply whose send failed can be edited: the edit needs approval again and goes out under a new key', async () => {
    const c = await newCase(complaint);
    const a = await approved(c.id, 'Hi @ann.bsky.social, order 48213: first wording.');
    pds.failNext('createRecord', { status: 400, body: { error: 'InvalidRequest', message: 'Invalid app.bsky.feed.post record' } });
    expect((await as.approver.call('POST', `/api/replies/${a.id}/send`)).status).toBe(502);
    const firstKey = (await db().db.selectFrom('replies').select('idempotency_key').where('id', '=', a.id).executeTakeFirstOrThrow()).idempotency_key;
    expect(firstKey).toMatch(/^[2-7a-z]{13}$/);
    const edited = replyView.parse(await ok(as.responder, 'PATCH', `/replies/${a.id}`, { body: 'Hi @ann.bsky.social, order 48213: second wording.' }));
    expect(edited).toMatchObject({ status: 'draft', approverId: null });
    expect((await as.approver.call('POST', `/api/replies/${a.id}/send`)).body).toMatchObject({ error: { code: 'needs_approval' } });
    await ok(as.responder, 'POST', `/replies/${a.id}/submit`);
    await ok(as.approver, 'POST', `/replies/${a.id}/approve`);
    const before = pds.created.length;
    const sent = replyView.parse(await ok(as.approver, 'POST', `/replies/${a.id}/send`));
    expect(pds.created.length - before).toBe(1);
    expect(pds.created.at(-1)!.value.text).toBe('Hi @ann.bsky.social, order 48213: second wording.');
    expect(sent.sentId?.endsWith(`/${firstKey}`)).toBe(false);
  });

  test('an expired session signs in again and the reply still goes out once; a wrong app password fails clearly', async () => {
    const c = await newCase(complaint);
    const a = await approved(c.id, 'Hi @ann.bsky.social, your refund for order 48213 is on its way.');
    const before = pds.created.length;
    pds.expireToken();
    expect(replyView.parse(await ok(as.approver, 'POST', `/replies/${a.id}/send`)).status).toBe('sent');
    expect(pds.created.length - before).toBe(1);

    await ok(as.admin, 'PUT', '/replies/rules', { always: false, priorities: ['high', 'urgent'], openAlert: true });
    expect((await as.admin.call('PUT', '/api/reply-accounts/bluesky', { handle: pds.account.handle, baseUrl: pds.origin, secrets: { identifier: pds.account.handle, appPassword: 'wrong-password' } })).status).toBe(200);
    const b = await approved(c.id, 'Hi @ann.bsky.social, one more update on order 48213.');
    const r = await as.approver.call('POST', `/api/replies/${b.id}/send`);
    expect(r.body).toMatchObject({ error: { code: 'send_failed', message: expect.stringContaining('Bluesky sign-in: the network answered 401') } });
    expect(pds.created.length - before).toBe(1);
    await ok(as.admin, 'PUT', '/reply-accounts/bluesky', { handle: pds.account.handle, baseUrl: pds.origin, secrets: { identifier: pds.account.handle, appPassword: pds.account.password } });
    expect(replyView.parse(await ok(as.approver, 'POST', `/replies/${b.id}/send`)).status).toBe('sent');
    expect(pds.created.length - before).toBe(2);
  });

  test('a normal case needs no approval: the responder sends the draft', async () => {
    const c = await newCase(question);
    expect(c.priority).toBe('normal');
    const d = await draft(c.id, 'Hi @bob.bsky.social, yes we ship to Norway!');
    expect(d.needsApproval).toBe(false);
    const before = pds.created.length;
    expect(replyView.parse(await ok(as.responder, 'POST', `/replies/${d.id}/send`)).status).toBe('sent');
    expect(pds.created.length - before).toBe(1);
    // The rules are the deployment's: with "always", the next one waits for an approver.
    await ok(as.admin, 'PUT', '/replies/rules', { always: true, priorities: ['urgent'], openAlert: true });
    const d2 = await draft(c.id, 'Hi again @bob.bsky.social!');
    expect(d2.needsApproval).toBe(true);
    expect((await as.responder.call('POST', `/api/replies/${d2.id}/send`)).body).toMatchObject({ error: { code: 'needs_approval' } });
    await ok(as.admin, 'PUT', '/replies/rules', { always: false, priorities: ['high', 'urgent'], openAlert: true });
  });

  test('links, mentions and tags go out as facets, so they are live on Bluesky; a handle that does not resolve stays text', async () => {
    pds.addHandle('bob.bsky.social', 'did:plc:customerbob');
    const c = await newCase(question);
    const text = 'Hi @bob.bsky.social 🙂 yes! Rates: https://acme.example/shipping/norway. #AcmeHelp cc @nobody.example.com';
    const d = await draft(c.id, text);
    expect(replyView.parse(await ok(as.responder, 'POST', `/replies/${d.id}/send`)).status).toBe('sent');
    const record = pds.created.at(-1)!.value as { text: string; facets: Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, string>> }> };
    const covered = (f: { index: { byteStart: number; byteEnd: number } }) => Buffer.from(record.text).subarray(f.index.byteStart, f.index.byteEnd).toString('utf8');
    expect(record.facets.map((f) => [covered(f), f.features])).toEqual([
      ['@bob.bsky.social', [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:customerbob' }]],
      ['https://acme.example/shipping/norway', [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://acme.example/shipping/norway' }]],
      ['#AcmeHelp', [{ $type: 'app.bsky.richtext.facet#tag', tag: 'AcmeHelp' }]],
    ]);
    expect(pds.count('resolveHandle')).toBeGreaterThanOrEqual(2);
  });

  test('bad input: an unknown template variable, a reply over the limit, no account for the network', async () => {
    const c = await newCase(complaint);
    const unknown = await as.responder.call('POST', '/api/replies/preview', { caseId: c.id, template: 'Hi {customer_name}' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'unknown_variable', message: expect.stringContaining('{customer_name}') } });
    const filled = previewView.parse(await ok(as.responder, 'POST', '/replies/preview', { caseId: c.id, template: 'Hi @{author}, about order {order}' }));
    expect(filled.body).toBe('Hi @ann.bsky.social, about order 48213');
    expect(filled.counts.map((x) => x.network)).toEqual(['x', 'bluesky', 'mastodon']);
    const badTemplate = await as.admin.call('PUT', '/api/replies/templates', { templates: [{ id: 'bad', name: 'Bad', text: 'Hi {nme}' }] });
    expect(badTemplate.body).toMatchObject({ error: { code: 'unknown_variable' } });

    const long = await draft(c.id, 'a'.repeat(301));
    expect(long.count).toMatchObject({ fits: false, remaining: -1 });
    const tooLong = await as.responder.call('POST', `/api/replies/${long.id}/submit`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: { code: 'reply_too_long', message: expect.stringContaining('301 of 300') } });

    const onX = replyView.parse(await ok(as.responder, 'POST', '/replies', { caseId: c.id, body: 'hello', network: 'x' }, 201));
    await ok(as.responder, 'POST', `/replies/${onX.id}/submit`);
    await ok(as.approver, 'POST', `/replies/${onX.id}/approve`);
    expect((await as.approver.call('POST', `/api/replies/${onX.id}/send`)).body).toMatchObject({ error: { code: 'no_reply_account' } });
    expect(replyView.parse(await ok(as.approver, 'GET', `/replies/${onX.id}`)).status).toBe('approved');
  });
});

/** A TID in the form the Bluesky sender makes, for a claim written by hand. */
function newTidLike(): string {
  const s32 = '234567abcdefghijklmnopqrstuvwxyz';
  let n = (BigInt(Date.now()) * 1000n) << 10n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = s32[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

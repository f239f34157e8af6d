/**
 * Replies on Mastodon against the local fake: POST /api/v1/statuses with in_reply_to_id and an
 * Idempotency-Key. Five concurrent sends post once; a crash before the call, and one after the
 * status was made but before it was recorded, are both settled on restart by the same request
 * with the same key, which the instance answers with the status it already has. A post read on
 * another instance is looked up on the reply account's own (search with resolve) and answered
 * under the id it has there; one that cannot be found there is not answered at all.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { caseDetail } from '../../shared/api/cases';
import { replyView } from '../../shared/api/replies';
import { deriveSecretKey, secretBox } from '../../server/auth/secrets';
import { claimForSending } from '../../server/db/repositories/replies.repository';
import { insertConfiguredSource } from '../../server/db/repositories/sources.repository';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { ingestBatch } from '../../server/pipeline/ingest';
import { ReplyAccounts } from '../../server/replies/accounts';
import { MastodonSender } from '../../server/replies/mastodon.sender';
import { reconcileUnsettled } from '../../server/replies/send.service';
import { buildFullApp, Client, clock, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';
import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon.fake';

const box = secretBox(deriveSecretKey('auth-app test key material, 32+ characters long'));

describeEachDatabase('replies on Mastodon', (db) => {
  let server: { url: string; close(): Promise<void> };
  let m: FakeMastodon;
  /** Another instance, where the listening source reads; replies go from the account on `m`. */
  let far: FakeMastodon;
  let subjectId: number;
  let responder: Client;
  let approver: Client;
  let postId: number;
  let statusId: string;

  beforeAll(async () => {
    m = await startFakeMastodon();
    far = await startFakeMastodon();
    m.federateWith(far);
    await insertConfiguredSource(db().db, { id: 'mastodon:home', kind: 'mastodon', config: { instanceUrl: m.url, hashtags: ['acme'] }, secrets: null });
    await insertConfiguredSource(db().db, { id: 'mastodon:far', kind: 'mastodon', config: { instanceUrl: far.url, hashtags: ['acme'] }, secrets: null });
    server = await listenOnFreePort(await buildFullApp(db()));
    const clients: Client[] = [];
    for (const role of ['admin', 'responder', 'approver'] as const) {
      const s = await sessionFor(db(), (await makeUser(db(), role)).id);
      const c = new Client(server.url);
      c.cookie = s.cookie;
      c.csrfToken = s.csrfToken;
      clients.push(c);
    }
    const [admin] = clients as [Client];
    [, responder, approver] = clients as [Client, Client, Client];
    const status = m.push({ content: '<p>bad acme, where is order #48213?</p>', tags: ['acme'], account: { username: 'ann', acct: 'ann' } });
    statusId = status.id;
    const subject = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    subjectId = subject.id;
    const r = await ingestBatch(db().db, wordAnalyzer({ acme: subject.id }), { id: 'mastodon:home', kind: 'mastodon' }, { posts: [makePost({ nativeId: statusId, url: status.url, text: 'bad acme, where is order #48213?', author: { id: 'ann', handle: 'ann@social.example', name: null, followers: null } })], cursor: null }, clock.now());
    postId = r.stored[0]!.id;
    const put = await admin.call('PUT', '/api/reply-accounts/mastodon', { handle: 'acme', baseUrl: m.url, secrets: { accessToken: m.token } });
    expect(put.status, put.text).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await m?.close();
    await far?.close();
  });

  const ok = async (c: Client, method: string, path: string, body?: unknown, status = 200) => {
    const r = await c.call(method, `/api${path}`, body);
    expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
    return r.body;
  };
  const approvedReply = async (text: string, onPost = postId) => {
    const c = caseDetail.parse(await ok(responder, 'POST', '/cases', { postIds: [onPost], priority: 'high' }, 201));
    const d = replyView.parse(await ok(responder, 'POST', '/replies', { caseId: c.id, body: text }, 201));
    expect(d.network).toBe('mastodon');
    await ok(responder, 'POST', `/replies/${d.id}/submit`);
    return replyView.parse(await ok(approver, 'POST', `/replies/${d.id}/approve`));
  };
  const postedWith = (text: string) => m.posted.filter((p) => p.body.status === text);

  test('five concurrent sends post one status, in reply, with an Idempotency-Key', async () => {
    const a = await approvedReply('@ann@social.example sorry about order 48213, it ships today.');
    const results = await Promise.all(Array.from({ length: 5 }, () => approver.call('POST', `/api/replies/${a.id}/send`)));
    expect(postedWith(a.body)).toHaveLength(1);
    const p = postedWith(a.body)[0]!;
    expect(p.status.in_reply_to_id).toBe(statusId);
    expect(p.idempotencyKey).toMatch(/^earshot-[0-9a-f]{32}$/);
    expect(replyView.parse(results.find((r) => r.status === 200)!.body)).toMatchObject({ status: 'sent', sentId: p.status.id, sentUrl: p.status.url });
  });

  test('a crash before the call is reconciled on restart: posted once', async () => {
    const a = await approvedReply('@ann@social.example order 48213 is with the carrier.');
    await claimForSending(db().db, a.id, ['approved'], 'earshot-crash-before-call-0001', clock.now());
    await reconcileUnsettled({ db: db().db, senders: new ReplyAccounts(db().db, box), now: clock.now }, 0);
    expect(postedWith(a.body)).toHaveLength(1);
    expect(replyView.parse(await ok(approver, 'GET', `/replies/${a.id}`))).toMatchObject({ status: 'sent', sentId: postedWith(a.body)[0]!.status.id });
  });

  test('a crash after the status was made, before it was recorded: the same key finds it, nothing posts twice', async () => {
    const a = await approvedReply('@ann@social.example a replacement for order 48213 is on its way.');
    const claimed = (await claimForSending(db().db, a.id, ['approved'], 'earshot-crash-after-call-0002', clock.now()))!;
    // The call that went out just before the process died.
    const landed = await new MastodonSender({ instanceUrl: m.url, accessToken: m.token }).send({ text: claimed.body, target: { nativeId: statusId, url: null, origin: m.url }, idempotencyKey: claimed.idempotency_key!, startedAt: claimed.sending_at! });
    expect(postedWith(a.body)).toHaveLength(1);
    await reconcileUnsettled({ db: db().db, senders: new ReplyAccounts(db().db, box), now: clock.now }, 0);
    expect(postedWith(a.body)).toHaveLength(1);
    expect(replyView.parse(await ok(approver, 'GET', `/replies/${a.id}`))).toMatchObject({ status: 'sent', sentId: landed.id });
  });

  test('past the hour Mastodon remembers a key, an unsettled send waits for a person instead', async () => {
    const a = await approvedReply('@ann@social.example we refunded order 48213.');
    await claimForSending(db().db, a.id, ['approved'], 'earshot-old-claim-0003', new Date(clock.now().getTime() - 2 * 3_600_000));
    await reconcileUnsettled({ db: db().db, senders: new ReplyAccounts(db().db, box), now: clock.now }, 0);
    expect(postedWith(a.body)).toHaveLength(0);
    expect(replyView.parse(await ok(approver, 'GET', `/replies/${a.id}`))).toMatchObject({ status: 'unconfirmed', lastError: expect.stringContaining('over an hour ago') });
  });

  test('a post from the same instance is answered by its own id, without a lookup', async () => {
    const before = m.searchRequests.length;
    const a = await approvedReply('@ann@social.example order 48213: tracking sent by DM.');
    expect((await approver.call('POST', `/api/replies/${a.id}/send`)).status).toBe(200);
    expect(postedWith(a.body)[0]!.status.in_reply_to_id).toBe(statusId);
    expect(m.searchRequests.length).toBe(before);
  });

  const ingestFar = async (nativeId: string, url: string) => {
    const r = await ingestBatch(db().db, wordAnalyzer({ acme: subjectId }), { id: 'mastodon:far', kind: 'mastodon' }, { posts: [makePost({ nativeId, url, text: 'acme broke my order #777', author: { id: 'bo', handle: 'bo@far.example', name: null, followers: null } })], cursor: null }, clock.now());
    return r.stored[0]!.id;
  };

  test('a post read on another instance is looked up on the account\'s instance and answered under its id there', async () => {
    const remote = far.push({ content: '<p>acme broke my order #777</p>', tags: ['acme'], account: { username: 'bo', acct: 'bo' } });
    const a = await approvedReply('@bo@far.example sorry, a new one ships today.', await ingestFar(remote.id, remote.url));
    expect((await approver.call('POST', `/api/replies/${a.id}/send`)).status).toBe(200);
    const [sent] = postedWith(a.body);
    const local = m.statuses.find((s) => s.url === remote.url)!;
    expect(local.id).not.toBe(remote.id);
    expect(sent!.status.in_reply_to_id).toBe(local.id);
    expect(m.searchRequests.at(-1)!.get('resolve')).toBe('true');
  });

  test('a post the account\'s instance cannot find is not answered: the reply fails with the reason, nothing is posted', async () => {
    const gone = far.push({ content: '<p>acme lost order #778</p>', tags: ['acme'], account: { username: 'cy', acct: 'cy' } });
    const postOnFar = await ingestFar(gone.id, gone.url);
    far.remove(gone.id);
    const a = await approvedReply('@cy@far.example we are on it.', postOnFar);
    const r = await approver.call('POST', `/api/replies/${a.id}/send`);
    expect(postedWith(a.body)).toHaveLength(0);
    expect(replyView.parse(await ok(approver, 'GET', `/replies/${a.id}`))).toMatchObject({ status: 'failed', lastError: expect.stringContaining('cannot find the post') });
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ error: { code: 'send_failed' } });
  });
});

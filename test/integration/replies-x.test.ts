/**
 * Replies on X through twitter-api-v2's v2.reply against the local fake X API: sent once in the
 * thread with its link; 403 and 429 fail cleanly; a 503 (X may have posted) is never retried
 * automatically but waits for a person's check, and the check settles it either way.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { caseDetail } from '../../shared/api/cases';
import { replyView } from '../../shared/api/replies';
import { deriveSecretKey, secretBox } from '../../server/auth/secrets';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { ingestBatch } from '../../server/pipeline/ingest';
import { ReplyAccounts } from '../../server/replies/accounts';
import { reconcileUnsettled } from '../../server/replies/send.service';
import { buildFullApp, Client, clock, makeUser, sessionFor } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { makePost, wordAnalyzer } from '../support/posts';
import { problems, startFakeXApi, type FakeXApi } from '../fakes/x-api.fake';

const box = secretBox(deriveSecretKey('auth-app test key material, 32+ characters long'));

describeEachDatabase('replies on X', (db) => {
  let server: { url: string; close(): Promise<void> };
  let x: FakeXApi;
  let responder: Client;
  let approver: Client;
  let postId: number;
  let tweetId: string;

  beforeAll(async () => {
    x = await startFakeXApi();
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
    tweetId = x.addPosts({ text: 'bad acme, where is order #48213?', author: 'ann' })[0]!.id;
    const subject = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    const r = await ingestBatch(db().db, wordAnalyzer({ acme: subject.id }), { id: 'test', kind: 'test' }, { posts: [makePost({ nativeId: tweetId, url: `https://x.com/ann/status/${tweetId}`, text: 'bad acme, where is order #48213?', author: { id: 'u-ann', handle: 'ann', name: null, followers: null } })], cursor: null }, clock.now());
    postId = r.stored[0]!.id;
    const put = await admin.call('PUT', '/api/reply-accounts/x', { handle: 'AcmeHelp', baseUrl: x.origin, secrets: { accessToken: 'oauth2-user-token' } });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain('oauth2-user-token');
  });
  afterAll(async () => {
    await server?.close();
    await x?.close();
  });

  const ok = async (c: Client, method: string, path: string, body?: unknown, status = 200) => {
    const r = await c.call(method, `/api${path}`, body);
    expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
    return r.body;
  };
  const approvedReply = async (text: string) => {
    const c = caseDetail.parse(await ok(responder, 'POST', '/cases', { postIds: [postId], priority: 'high' }, 201));
    const d = replyView.parse(await ok(responder, 'POST', '/replies', { caseId: c.id, body: text }, 201));
    expect(d.network).toBe('x');
    await ok(responder, 'POST', `/replies/${d.id}/submit`);
    return replyView.parse(await ok(approver, 'POST', `/replies/${d.id}/approve`));
  };

  test('an approved reply goes out once through v2.reply, in reply to the post, with its link', async () => {
    const a = await approvedReply('Hi @ann, sorry about the wait on order 48213: it ships today.');
    const results = await Promise.all(Array.from({ length: 5 }, () => approver.call('POST', `/api/replies/${a.id}/send`)));
    expect(x.posted.filter((p) => p.text === a.body)).toHaveLength(1);
    const posted = x.posted.find((p) => p.text === a.body)!;
    expect(posted).toMatchObject({ inReplyToTweetId: tweetId, auth: 'bearer' });
    const sent = replyView.parse(results.find((r) => r.status === 200)!.body);
    expect(sent).toMatchObject({ status: 'sent', sentId: posted.id, sentUrl: `https://x.com/AcmeHelp/status/${posted.id}` });
  });

  test('403 and 429 from X fail with a clear message and post nothing; a later send posts once', async () => {
    const a = await approvedReply('Hi @ann, order 48213 is with the carrier.');
    x.failNext('post', problems.forbidden());
    const r1 = await approver.call('POST', `/api/replies/${a.id}/send`);
    expect(r1.status).toBe(502);
    expect(r1.body).toMatchObject({ error: { code: 'send_failed', message: expect.stringContaining('X answered 403') } });
    x.failNext('post', problems.rateLimited(Math.floor(Date.now() / 1000) + 120));
    const r2 = await approver.call('POST', `/api/replies/${a.id}/send`);
    expect(r2.body).toMatchObject({ error: { code: 'send_failed', message: expect.stringMatching(/X rate limited.*try again in \d+ s/) } });
    expect(x.posted.filter((p) => p.text === a.body)).toHaveLength(0);
    expect(replyView.parse(await ok(approver, 'POST', `/replies/${a.id}/send`))).toMatchObject({ status: 'sent', attempts: 3 });
    expect(x.posted.filter((p) => p.text === a.body)).toHaveLength(1);
  });

  test('a 503 leaves the outcome unknown: never retried by itself, a person checks, and "not posted" allows one more send', async () => {
    const a = await approvedReply('Hi @ann, a replacement for order 48213 is on its way.');
    x.failNext('post', problems.unavailable());
    const r = await approver.call('POST', `/api/replies/${a.id}/send`);
    expect(r.body).toMatchObject({ error: { code: 'send_unconfirmed', message: expect.stringContaining('check the account') } });
    expect((await approver.call('POST', `/api/replies/${a.id}/send`)).body).toMatchObject({ error: { code: 'send_unconfirmed' } });
    const postsBefore = x.count('post');
    await reconcileUnsettled({ db: db().db, senders: new ReplyAccounts(db().db, box), now: clock.now }, 0);
    expect(x.count('post')).toBe(postsBefore);
    expect(replyView.parse(await ok(approver, 'GET', `/replies/${a.id}`)).status).toBe('unconfirmed');
    expect(replyView.parse(await ok(approver, 'POST', `/replies/${a.id}/check`, { posted: false })).status).toBe('failed');
    expect(replyView.parse(await ok(approver, 'POST', `/replies/${a.id}/send`)).status).toBe('sent');
    expect(x.posted.filter((p) => p.text === a.body)).toHaveLength(1);
  });

  test('a person who finds the post on X records it, and the reply is sent without posting again', async () => {
    const a = await approvedReply('Hi @ann, we have refunded order 48213.');
    x.failNext('post', problems.unavailable());
    await approver.call('POST', `/api/replies/${a.id}/send`);
    const checked = replyView.parse(await ok(approver, 'POST', `/replies/${a.id}/check`, { posted: true, sentId: '1999', sentUrl: 'https://x.com/AcmeHelp/status/1999' }));
    expect(checked).toMatchObject({ status: 'sent', sentId: '1999' });
    expect(replyView.parse(await ok(approver, 'POST', `/replies/${a.id}/send`)).sentId).toBe('1999');
    expect(x.posted.filter((p) => p.text === a.body)).toHaveLength(0);
  });
});

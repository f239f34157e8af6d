/**
 * Replies in the browser, end to end: a complaint quoting an order becomes a case; a responder
 * picks a template on the case page (live length, tone warning), saves and submits; an approver
 * (a second user) sends it back with a note, the responder edits and resubmits, the approver
 * approves and sends it to the fake X API, which receives it exactly once; the link shows.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.fake';

describe.skipIf(inject('browserSkipReason') !== null)('replies from the case page, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let x: FakeXApi;
  let caseId: number;
  let tweetId: string;
  const responder = { email: 'rita.responder@example.test', password: 'responder password 123' };
  const approver = { email: 'aaron.approver@example.test', password: 'approver password 123' };
  const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const webDir = await buildDashboard();
    [server, browser, x] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser(), startFakeXApi()]);
    const api = await signedInFetch(server.url);
    for (const [u, role, name] of [[responder, 'responder', 'Rita'], [approver, 'approver', 'Aaron']] as const) {
      expect((await api('/api/users', json({ email: u.email, name, role, password: u.password }))).status).toBe(201);
    }
    expect((await api('/api/subjects', json({ kind: 'company', name: 'Acme', query: 'acme' }))).status).toBe(201);
    const text = '@acme where is order #48213? Ordered two weeks ago and still nothing, really annoyed';
    tweetId = x.addPosts({ text, author: 'ann' })[0]!.id;
    const ingest = await api('/api/ingest', json({ posts: [{ id: tweetId, text, author: 'ann', createdAt: new Date().toISOString(), url: `https://x.com/ann/status/${tweetId}` }] }));
    expect(ingest.status).toBe(200);
    const account = await api('/api/reply-accounts/x', json({ handle: 'AcmeHelp', baseUrl: x.origin, secrets: { accessToken: 'oauth2-user-token' } }, 'PUT'));
    expect(account.status).toBe(200);
    const mentions = (await (await api('/api/mentions?limit=10')).json()) as { posts: Array<{ id: number }> };
    const created = await api('/api/cases', json({ postIds: [mentions.posts[0]!.id], priority: 'high' }));
    expect(created.status).toBe(201);
    caseId = ((await created.json()) as { id: number }).id;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await x?.close();
  });

  const openCase = async (who: { email: string; password: string }): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await signInPage(page, server.url, who.email, who.password);
    await page.goto(`${server.url}/cases?case=${caseId}`);
    await page.getByTestId('reply-panel').waitFor();
    return page;
  };
  const statusOfReply = (page: Page) => page.getByTestId('reply').first().getAttribute('data-status');

  test('drafted by a responder, sent back, resubmitted, approved by a second user and sent to X exactly once', async () => {
    const r = await openCase(responder);
    const panel = r.getByTestId('reply-panel');
    await expect.poll(() => panel.getByTestId('reply-approval').innerText()).toContain('Needs approval: the case is high');

    // A defensive draft is flagged while typing, and counted as each network counts.
    await panel.getByTestId('reply-body').fill('As we already said, you should have checked the tracking page. https://acme.com/track/48213/very/long/link');
    await panel.getByTestId('tone-warning').waitFor();
    expect(await panel.getByTestId('tone-warning').innerText()).toContain('defensive');
    expect(await panel.getByTestId('reply-count-x').innerText()).toMatch(/^x 8\d\/280$/);
    expect(await panel.getByTestId('reply-count-bluesky').innerText()).toMatch(/^bluesky 1\d\d\/300$/);

    // A template fills in the author and the order the post quotes.
    await panel.getByTestId('reply-template').selectOption('order-status');
    const body = await panel.getByTestId('reply-body').inputValue();
    expect(body).toContain('@ann');
    expect(body).toContain('order 48213');
    expect(body).toContain(`#${caseId}`);
    await panel.getByTestId('tone-warning').waitFor({ state: 'detached' });
    await panel.getByTestId('reply-save').click();
    await panel.getByTestId('reply-submit').click();
    await expect.poll(() => statusOfReply(r)).toBe('submitted');
    await r.screenshot({ path: screenshotPath('reply-submitted'), fullPage: true });

    // A second user, the approver, sends it back with a note.
    const a = await openCase(approver);
    const apanel = a.getByTestId('reply-panel');
    await apanel.getByTestId('reply-note').fill('Say when it ships, please.');
    await apanel.getByTestId('reply-send-back').click();
    await expect.poll(() => statusOfReply(a)).toBe('rejected');

    await r.reload();
    await panel.getByTestId('review-note').waitFor();
    expect(await panel.getByTestId('review-note').innerText()).toContain('Say when it ships, please.');
    await panel.getByTestId('reply-edit').click();
    await panel.getByTestId('reply-body').fill(`${body.replace(/ We're checking.*$/, '')} It ships tomorrow, tracking to follow.`);
    await panel.getByTestId('reply-save').click();
    await panel.getByTestId('reply-submit').click();
    await expect.poll(() => statusOfReply(r)).toBe('submitted');

    await a.reload();
    await apanel.getByTestId('reply-approve').click();
    await expect.poll(() => statusOfReply(a)).toBe('approved');
    await apanel.getByTestId('reply-send').click();
    await apanel.getByTestId('reply-link').waitFor();
    expect(x.posted).toHaveLength(1);
    expect(x.posted[0]).toMatchObject({ inReplyToTweetId: tweetId });
    expect(x.posted[0]!.text).toContain('It ships tomorrow');
    expect(await apanel.getByTestId('reply-link').getAttribute('href')).toBe(`https://x.com/AcmeHelp/status/${x.posted[0]!.id}`);
    // The case's timeline shows every step, and the first response clock stopped.
    const timeline = a.getByTestId('case-timeline');
    for (const step of ['reply drafted', 'reply submitted', 'reply sent back', 'reply edited', 'reply approved', 'reply sent', 'first response']) await expect.poll(() => timeline.innerText()).toContain(step);
    expect(await a.getByTestId('case-detail').innerText()).toMatch(/First response due .*\(met\)/);
    await a.screenshot({ path: screenshotPath('reply-sent'), fullPage: true });
    expect(x.posted).toHaveLength(1);
  });
});

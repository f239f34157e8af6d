/**
 * Issue triage in the browser, end to end: an analyst finds an issue on the Issues page by a word
 * of it, splits the posts that are another problem out of it from its posts (Mentions), finds the
 * new issue in the list view, and merges it back into the first from the card's Merge form. Every
 * step is checked against the API, and a viewer sees no split controls. A responder turns a post
 * into a case from Mentions.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

interface Issue {
  id: number;
  label: string;
  posts: number;
  subjectName: string | null;
}

describe.skipIf(inject('browserSkipReason') !== null)('issue triage: find, split, merge, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let api: Awaited<ReturnType<typeof signedInFetch>>;
  let analyst: Page;
  let first: Issue;
  let splitId: number;
  const analystUser = { email: 'ana.analyst@example.test', password: 'analyst password 123' };
  const viewerUser = { email: 'vic.viewer@example.test', password: 'viewer password 123' };
  const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const issues = async () => ((await (await api('/api/issues?limit=500')).json()) as { issues: Issue[] }).issues;

  beforeAll(async () => {
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser()]);
    api = await signedInFetch(server.url);
    for (const [u, role, name] of [[analystUser, 'analyst', 'Ana'], [viewerUser, 'viewer', 'Vic']] as const) {
      expect((await api('/api/users', json({ email: u.email, name, role, password: u.password }))).status).toBe(201);
    }
    expect((await api('/api/subjects', json({ kind: 'supplier', name: 'Kestrel Parts', query: 'kestrel' }))).status).toBe(201);
    const texts = [
      'kestrel hinge snapped after two days, part HX-220, so disappointed',
      'my kestrel hinge snapped off the cabinet door, awful quality',
      'kestrel hinge snapped again on the new wardrobe, part HX-220',
      'kestrel cabinet door hinge snapped the first week, terrible',
      'another kestrel hinge snapped, third one this month',
      'kestrel hinge snapped on day one, part HX-220, useless',
    ];
    const now = Date.now();
    const posts = texts.map((text, i) => ({ id: `h${i}`, text, author: `fixer${i}`, createdAt: new Date(now - (10 - i) * 60_000).toISOString() }));
    expect((await api('/api/ingest', json({ posts }))).status).toBe(200);
    // The derive step groups the complaints within a pass or two.
    const biggest = async () => (await issues()).filter((i) => i.subjectName === 'Kestrel Parts').sort((a, b) => b.posts - a.posts)[0];
    for (let i = 0; i < 120 && ((await biggest())?.posts ?? 0) < texts.length; i++) await new Promise((r) => setTimeout(r, 500));
    first = (await biggest())!;
    expect(first?.posts, 'the six alike complaints were not grouped').toBeGreaterThanOrEqual(3);
    analyst = await (await browser.newContext()).newPage();
    await signInPage(analyst, server.url, analystUser.email, analystUser.password);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the board finds an issue by a word of its label or its part number, and says when nothing matches', async () => {
    await analyst.goto(`${server.url}/issues`);
    await analyst.locator(`#issue-${first.id}`).waitFor();
    await analyst.getByTestId('issues-q').fill('HX-220');
    await expect.poll(() => analyst.getByTestId('issue-card').count()).toBe(1);
    expect(analyst.url()).toContain('q=HX-220');
    await analyst.getByTestId('issues-q').fill('no such problem here');
    await analyst.getByTestId('issues-none').waitFor();
    await analyst.getByTestId('issues-q').fill('');
    await analyst.locator(`#issue-${first.id}`).waitFor();
  });

  test('two posts are split out of the issue from its posts, into a named new issue', async () => {
    await analyst.goto(`${server.url}/mentions?issue=${first.id}`);
    const bar = analyst.getByTestId('split-bar');
    await bar.waitFor();
    await expect.poll(() => analyst.getByTestId('split-pick').count()).toBe(first.posts);
    expect(await bar.getByTestId('split-go').isDisabled()).toBe(true);
    await analyst.getByTestId('split-pick').nth(0).check();
    await analyst.getByTestId('split-pick').nth(1).check();
    await bar.getByTestId('split-label').fill('hinges from the wardrobe batch');
    await bar.getByTestId('split-go').click();
    await expect.poll(() => analyst.getByTestId('split-message').innerText()).toContain('Moved 2 posts');
    await analyst.waitForURL((u) => u.searchParams.get('issue') !== String(first.id));
    splitId = Number(new URL(analyst.url()).searchParams.get('issue'));
    await expect.poll(() => analyst.getByTestId('split-pick').count()).toBe(2);
    const after = await issues();
    expect(after.find((i) => i.id === splitId)).toMatchObject({ label: 'hinges from the wardrobe batch', posts: 2 });
    expect(after.find((i) => i.id === first.id)?.posts).toBe(first.posts - 2);
    await analyst.screenshot({ path: screenshotPath('issue-split'), fullPage: false });
  });

  test('the list view shows the new issue; merging it back from its card returns the posts', async () => {
    await analyst.goto(`${server.url}/issues?view=list&q=wardrobe%20batch`);
    const rows = analyst.getByTestId('issue-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(`#${splitId}`);
    await analyst.screenshot({ path: screenshotPath('issues-list'), fullPage: false });

    await analyst.goto(`${server.url}/issues`);
    const card = analyst.locator(`#issue-${splitId}`);
    await card.getByTestId('issue-merge').click();
    await card.getByTestId('issue-merge-into').selectOption(String(first.id));
    await card.getByTestId('issue-merge-go').click();
    await expect.poll(() => analyst.locator(`#issue-${splitId}`).count()).toBe(0);
    const after = await issues();
    expect(after.some((i) => i.id === splitId)).toBe(false);
    expect(after.find((i) => i.id === first.id)?.posts).toBe(first.posts);
  });

  test('a link to one issue (from an alert or the overview) shows that issue alone, with a way back to all', async () => {
    const other = await api(`/api/issues/${first.id}/split`, json({ postIds: [] }));
    expect(other.status).toBe(400);
    await analyst.goto(`${server.url}/issues?issue=${first.id}`);
    await analyst.getByTestId('issues-only').waitFor();
    await expect.poll(() => analyst.getByTestId('issue-card').count()).toBe(1);
    expect(await analyst.locator(`#issue-${first.id}`).count()).toBe(1);
    await analyst.getByTestId('issues-only').getByRole('link').click();
    await expect.poll(() => analyst.getByTestId('issues-only').count()).toBe(0);
  });

  test('a responder turns a post into a case from Mentions; the post then links to its case', async () => {
    const admin = await (await browser.newContext()).newPage();
    await signInPage(admin, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
    await admin.goto(`${server.url}/mentions?q=${encodeURIComponent('day one')}`);
    const post = admin.getByTestId('mentions').locator('li').filter({ hasText: 'snapped on day one' });
    await post.getByTestId('post-open-case').click();
    await admin.waitForURL(/\/cases\?case=\d+/);
    const caseId = Number(new URL(admin.url()).searchParams.get('case'));
    await expect.poll(() => admin.getByTestId('case-detail').innerText()).toContain('kestrel hinge snapped on day one');
    const c = (await (await api(`/api/cases/${caseId}`)).json()) as { posts: Array<{ text: string }>; sla: { firstResponse: { due: string | null } } };
    expect(c.posts.map((p) => p.text)).toEqual(['kestrel hinge snapped on day one, part HX-220, useless']);
    expect(c.sla.firstResponse.due).not.toBeNull();
    await admin.goto(`${server.url}/mentions?q=${encodeURIComponent('day one')}`);
    await expect.poll(() => post.getByTestId('post-case').innerText()).toBe(`Case #${caseId}`);
    expect(await post.getByTestId('post-open-case').count()).toBe(0);
    // An analyst does not work cases: no button.
    await analyst.goto(`${server.url}/mentions`);
    await analyst.getByTestId('mentions').locator('li').first().waitFor();
    expect(await analyst.getByTestId('post-open-case').count()).toBe(0);
  });

  test('a viewer reads an issue\'s posts without split controls', async () => {
    const viewer = await (await browser.newContext()).newPage();
    await signInPage(viewer, server.url, viewerUser.email, viewerUser.password);
    await viewer.goto(`${server.url}/mentions?issue=${first.id}`);
    await viewer.getByTestId('mentions').locator('li').first().waitFor();
    expect(await viewer.getByTestId('split-bar').count()).toBe(0);
    expect(await viewer.getByTestId('split-pick').count()).toBe(0);
  });
});

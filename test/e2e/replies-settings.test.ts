/**
 * Settings → Replies and the Issues page's escalation, in the browser: an admin saves a Mastodon
 * reply account (the token typed once, afterwards only marked as set) and a reply is then sent
 * through it to the fake instance; an admin adds a template and sees its preview counted per
 * network and tone-checked; an analyst and a viewer see the templates and rules read-only and no
 * credentials; an analyst escalates a supplier's issue from the Issues page and the local SMTP
 * server receives the letter with the evidence attached.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startFakeMastodon, type FakeMastodon, type FakeStatus } from '../fakes/mastodon.fake';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.fake';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

describe.skipIf(inject('browserSkipReason') !== null)('Settings → Replies and escalation from the Issues page, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let smtp: FakeSmtp;
  let mastodon: FakeMastodon;
  let api: Awaited<ReturnType<typeof signedInFetch>>;
  let toot: FakeStatus;
  let supplierIssueId: number;
  let companyIssueId: number;
  const admin = { email: TEST_ADMIN.EARSHOT_ADMIN_EMAIL, password: TEST_ADMIN.EARSHOT_ADMIN_PASSWORD };
  const analyst = { email: 'ana.analyst@example.test', password: 'analyst password 123' };
  const viewer = { email: 'vic.viewer@example.test', password: 'viewer password 123' };
  const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    [smtp, mastodon] = await Promise.all([startFakeSmtp(), startFakeMastodon({ token: 'mastodon-reply-token-5f1c' })]);
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', SMTP_URL: smtp.url, EARSHOT_MAIL_FROM: 'earshot@acme.example', ...TEST_ADMIN }), launchBrowser()]);
    api = await signedInFetch(server.url);
    for (const [u, role, name] of [[analyst, 'analyst', 'Ana'], [viewer, 'viewer', 'Vic']] as const) {
      expect((await api('/api/users', json({ email: u.email, name, role, password: u.password }))).status).toBe(201);
    }
    expect((await api('/api/subjects', json({ kind: 'company', name: 'Acme', query: 'acme' }))).status).toBe(201);
    expect((await api('/api/subjects', json({ kind: 'supplier', name: 'Kestrel Parts', query: 'kestrel' }))).status).toBe(201);

    // Complaints about the supplier's part (an issue whose subject is the supplier), about the
    // company's app (an issue whose subject is not), and one Mastodon post to reply to.
    const now = Date.now();
    const supplierTexts = [
      'kestrel hinge snapped after two days, part HX-220, so disappointed',
      'my kestrel hinge snapped off the cabinet door, awful quality',
      'kestrel hinge snapped again on the new wardrobe, part HX-220',
      'kestrel cabinet door hinge snapped the first week, terrible',
      'another kestrel hinge snapped, third one this month',
    ];
    const companyTexts = [
      'acme app keeps crashing at checkout, useless',
      'the acme app crashed at checkout again, lost my basket',
      'acme app crashing every time I try to check out',
      'acme checkout crashing on the app, so annoying',
      'acme app crashed at checkout twice today, fix it',
    ];
    toot = mastodon.push({ content: '<p>acme my parcel never came, any news?</p>', tags: ['acme'], account: { username: 'ann', acct: 'ann' } });
    const posts = [
      ...supplierTexts.map((text, i) => ({ id: `k${i}`, text, author: `fixer${i}`, createdAt: new Date(now - (10 - i) * 60_000).toISOString(), url: `https://x.com/fixer${i}/status/${2000 + i}` })),
      ...companyTexts.map((text, i) => ({ id: `a${i}`, text, author: `shopper${i}`, createdAt: new Date(now - (5 - i) * 60_000).toISOString(), url: `https://x.com/shopper${i}/status/${3000 + i}` })),
      { id: toot.id, text: 'acme my parcel never came, any news?', author: 'ann', createdAt: toot.created_at, url: toot.url },
    ];
    expect((await api('/api/ingest', json({ posts }))).status).toBe(200);
    // The derive step groups the complaints into issues within a pass or two.
    type Issue = { id: number; subjectName: string | null };
    let issues: Issue[] = [];
    for (let i = 0; i < 60; i++) {
      issues = ((await (await api('/api/issues')).json()) as { issues: Issue[] }).issues;
      if (issues.some((x) => x.subjectName === 'Kestrel Parts') && issues.some((x) => x.subjectName === 'Acme')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    supplierIssueId = issues.find((x) => x.subjectName === 'Kestrel Parts')?.id ?? NaN;
    companyIssueId = issues.find((x) => x.subjectName === 'Acme')?.id ?? NaN;
    expect(supplierIssueId, 'no issue of five alike complaints about the supplier').toBeGreaterThan(0);
    expect(companyIssueId, 'no issue of five alike complaints about the company').toBeGreaterThan(0);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    await mastodon?.close();
  });

  const open = async (who: { email: string; password: string }, path: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await signInPage(page, server.url, who.email, who.password);
    await page.goto(`${server.url}${path}`);
    return page;
  };

  test('an admin saves a Mastodon reply account: the token is marked set, never shown, and replies go out with it', async () => {
    const page = await open(admin, '/settings');
    await page.getByRole('tab', { name: 'Replies' }).click();
    const box = page.getByTestId('reply-accounts');
    expect(await box.getByTestId('account-secrets-mastodon').count()).toBe(0);
    await box.locator('tr[data-network="mastodon"]').getByRole('button', { name: 'Set up' }).click();
    const form = box.getByTestId('account-form');
    await form.getByTestId('account-handle').fill('@acmehelp');
    await form.getByTestId('account-base-url').fill(mastodon.url);
    await form.getByLabel('Character limit').fill('1000');
    const secret = form.getByTestId('account-secret-accessToken');
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill(mastodon.token);
    await form.getByTestId('account-save').click();
    await expect.poll(() => box.getByTestId('account-message').innerText({ timeout: 1000 }).catch(() => ''), { timeout: 10_000 }).toBe('Saved the Mastodon reply account.');

    expect(await box.getByTestId('account-secrets-mastodon').innerText()).toBe('✓ set (hidden)');
    expect(await box.locator('tr[data-network="mastodon"]').innerText()).toContain('@acmehelp');
    expect(await box.locator('tr[data-network="x"]').innerText()).toContain('Not set up');
    // The form is back, blank: the token is in no field, no page text, no API answer.
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toBe('set: leave blank to keep it');
    await page.reload();
    await page.getByTestId('account-secrets-mastodon').waitFor();
    expect(await page.content()).not.toContain(mastodon.token);
    const accounts = await (await api('/api/reply-accounts')).text();
    expect(accounts).not.toContain(mastodon.token);
    expect(JSON.parse(accounts)).toMatchObject({ accounts: [{ network: 'mastodon', handle: 'acmehelp', baseUrl: mastodon.url, maxCharacters: 1000, hasSecrets: true }] });

    // The account works: a reply to the Mastodon post goes to the fake instance with the typed token.
    const mentions = (await (await api('/api/mentions?limit=50')).json()) as { posts: Array<{ id: number; nativeId?: string; text: string }> };
    const post = mentions.posts.find((p) => p.text.startsWith('acme my parcel'));
    expect(post).toBeDefined();
    const created = await api('/api/cases', json({ postIds: [post!.id], priority: 'low' }));
    expect(created.status).toBe(201);
    const caseId = ((await created.json()) as { id: number }).id;
    const draft = await api('/api/replies', json({ caseId, body: 'Hi @ann, sorry, we are checking your parcel now.' }));
    expect(draft.status).toBe(201);
    const reply = (await draft.json()) as { id: number; network: string };
    expect(reply.network).toBe('mastodon');
    const sent = await api(`/api/replies/${reply.id}/send`, json({}));
    expect(sent.status).toBe(200);
    expect(mastodon.posted).toHaveLength(1);
    expect(mastodon.posted[0]!.body).toMatchObject({ status: 'Hi @ann, sorry, we are checking your parcel now.', in_reply_to_id: toot.id });
    await page.screenshot({ path: screenshotPath('settings-reply-accounts'), fullPage: true });
  });

  test('an admin adds a template: the preview is filled, counted per network and tone-checked, and the template is kept', async () => {
    const page = await open(admin, '/settings?tab=replies');
    const box = page.getByTestId('reply-templates');
    await box.getByTestId('template-row').first().waitFor();
    const before = await box.getByTestId('template-row').count();
    const form = box.getByTestId('template-form');
    await form.getByTestId('template-name').fill('Refund on its way');

    // A defensive draft is flagged; an unknown variable is named.
    await form.getByTestId('template-text').fill('As we already said, you should have read the instructions, @{author}.');
    await box.getByTestId('preview-tone').waitFor();
    expect(await box.getByTestId('preview-tone').innerText()).toContain('defensive');
    await form.getByTestId('template-text').fill('Hi {customer}, sorry!');
    await box.getByTestId('preview-error').waitFor();
    expect(await box.getByTestId('preview-error').innerText()).toContain('Unknown variable {customer}');

    const text = 'Hi @{author}, your refund for order {order} is on its way. Sorry for the trouble! (ref {case})';
    const filled = 'Hi @ann_smith, your refund for order 48213 is on its way. Sorry for the trouble! (ref #128)';
    await form.getByTestId('template-text').fill(text);
    await expect.poll(() => box.getByTestId('preview-body').innerText().catch(() => '')).toBe(filled);
    await box.getByTestId('preview-tone').waitFor({ state: 'detached' });
    // Plain ASCII with no links: every network counts one per character.
    expect(await box.getByTestId('preview-count-x').innerText()).toBe(`x ${filled.length}/280`);
    expect(await box.getByTestId('preview-count-bluesky').innerText()).toBe(`bluesky ${filled.length}/300`);
    expect(await box.getByTestId('preview-count-mastodon').innerText()).toBe(`mastodon ${filled.length}/500`);
    await page.screenshot({ path: screenshotPath('settings-reply-template-preview'), fullPage: true });

    await form.getByTestId('template-save').click();
    await box.getByTestId('template-message').getByText('Saved “Refund on its way”.').waitFor();
    expect(await box.getByTestId('template-row').count()).toBe(before + 1);
    expect(await box.locator('[data-template="refund-on-its-way"]').innerText()).toContain(text);
    const stored = (await (await api('/api/replies/templates')).json()) as { templates: Array<{ id: string; text: string }> };
    expect(stored.templates.filter((t) => t.id === 'refund-on-its-way')).toEqual([{ id: 'refund-on-its-way', name: 'Refund on its way', text }]);
  });

  test.each([
    ['an analyst', analyst],
    ['a viewer', viewer],
  ])('%s sees the templates and rules read-only and no credentials section', async (_who, user) => {
    const page = await open(user, '/settings?tab=replies');
    await page.getByTestId('rules-summary').waitFor();
    await page.getByTestId('template-row').first().waitFor();
    expect(await page.getByTestId('reply-accounts').count()).toBe(0);
    expect(await page.getByTestId('account-form').count()).toBe(0);
    expect(await page.getByTestId('template-form').count()).toBe(0);
    expect(await page.getByTestId('reply-templates').getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByTestId('rules-summary').innerText()).toBe('Replies need approval on high or urgent cases, and when the issue has an open alert.');
    expect(await page.getByTestId('rules-priority-high').isDisabled()).toBe(true);
    expect(await page.getByTestId('rules-save').count()).toBe(0);
    expect(await page.content()).not.toContain(mastodon.token);
  });

  test('a viewer sees no escalate action on the Issues page', async () => {
    const page = await open(viewer, '/issues');
    await page.locator(`#issue-${supplierIssueId}`).waitFor();
    expect(await page.getByTestId('issue-escalate').count()).toBe(0);
  });

  test("an analyst escalates the supplier's issue from the Issues page; the mail arrives with the evidence attached", async () => {
    const page = await open(analyst, '/issues');
    const card = page.locator(`#issue-${supplierIssueId}`);
    await card.getByTestId('issue-escalate').waitFor();
    // Only an issue whose subject is a supplier offers it.
    await page.locator(`#issue-${companyIssueId}`).waitFor();
    expect(await page.locator(`#issue-${companyIssueId}`).getByTestId('issue-escalate').count()).toBe(0);

    await card.getByTestId('issue-escalate').click();
    const box = card.getByTestId('escalation');
    await box.getByTestId('escalation-address').fill('quality@kestrel.example');
    // The issue's own supplier is picked.
    await expect.poll(() => box.getByTestId('escalation-supplier').locator('option:checked').innerText()).toBe('Kestrel Parts');
    expect(smtp.messages).toHaveLength(0);
    await box.getByTestId('escalation-send').click();
    await box.getByTestId('escalation-result').waitFor();
    const result = await box.getByTestId('escalation-result').innerText();
    expect(result).toMatch(/Supplier case #\d+: sent \(e-mail to quality@kestrel\.example/);
    const caseId = /#(\d+)/.exec(result)![1];
    expect(smtp.messages).toHaveLength(1);
    const raw = smtp.messages[0]!.raw.replace(/=\r\n/g, '');
    expect(smtp.messages[0]!.to).toEqual(['quality@kestrel.example']);
    expect(raw).toMatch(/filename=.?evidence\.json/);
    expect(raw).toMatch(/filename=.?posts\.csv/);
    expect(raw).toContain(`Non-conformance report, case #${caseId}, for Kestrel Parts`);
    // The supplier case belongs to the issue escalated from its card.
    expect(await (await api(`/api/cases/${caseId}`)).json()).toMatchObject({ kind: 'supplier', issueId: supplierIssueId, subjectName: 'Kestrel Parts', status: 'waiting_supplier' });
    await page.screenshot({ path: screenshotPath('issues-escalation'), fullPage: true });
  });
});

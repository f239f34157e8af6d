/**
 * Case rules in the browser, end to end: an admin writes a rule in the Cases → Rules editor
 * (negative + quotes an order + from a customer → queue "orders", assigned to the admin), a complaint ingested after it
 * opens a case by itself (a happy post does not), the case shows in the list with its queue and
 * on its timeline the rule that opened it, is handed to nobody and taken back with "Assign to me", and the
 * Metrics tab counts it by subject and agent.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

describe.skipIf(inject('browserSkipReason') !== null)('cases opened by rules, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: Awaited<ReturnType<typeof signedInFetch>>;
  const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const complaint = 'Acme lost my order #48213, terrible service, still waiting';

  beforeAll(async () => {
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser()]);
    api = await signedInFetch(server.url);
    expect((await api('/api/subjects', json({ kind: 'company', name: 'Acme', query: 'acme' }))).status).toBe(201);
    page = await (await browser.newContext()).newPage();
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a rule written in the editor opens a routed case from an ingested complaint, and the metrics count it', async () => {
    await page.goto(`${server.url}/cases?view=rules`);
    const editor = page.getByTestId('case-rules');
    await editor.waitFor();
    await editor.getByTestId('rule-add').click();
    const rule = editor.getByTestId('case-rule').first();
    // The new rule starts as the usual one: negative + quotes an order + from a customer.
    expect(await rule.getByTestId('rule-sentiment').inputValue()).toBe('negative');
    expect(await rule.getByTestId('rule-reference').inputValue()).toBe('order');
    expect(await rule.getByTestId('rule-customer').isChecked()).toBe(true);
    await rule.getByTestId('rule-id').fill('order-complaints');
    await rule.getByTestId('rule-queue').fill('orders');
    // People are chosen by name, from those who can work cases.
    const me = ((await (await api('/api/session')).json()) as { user: { id: number; name: string } }).user;
    await rule.getByTestId('rule-assignee').selectOption({ label: me.name });
    expect(await rule.innerText()).toContain(`queue orders, ${me.name}`);
    await editor.getByTestId('rules-save').click();
    await expect.poll(() => editor.getByTestId('rules-message').innerText()).toContain('Saved 1 rule');
    const saved = (await (await api('/api/case-rules')).json()) as { rules: Array<{ id: string; queue: string | null }> };
    expect(saved.rules).toEqual([expect.objectContaining({ id: 'order-complaints', queue: 'orders', assigneeId: me.id })]);
    await page.screenshot({ path: screenshotPath('case-rules-editor'), fullPage: true });

    const now = new Date().toISOString();
    const ingest = await api('/api/ingest', json({ posts: [
      { id: 'cr-1', text: complaint, author: 'ann', createdAt: now },
      { id: 'cr-2', text: 'Thanks @acme, order #5555 arrived early, great service', author: 'bo', createdAt: now },
    ] }));
    expect(ingest.status).toBe(200);

    // The derive step runs every few seconds; the case appears without anyone opening it.
    const casesNow = async () => ((await (await api('/api/cases')).json()) as { cases: Array<{ id: number; title: string; queue: string | null; assigneeId: number | null }> }).cases;
    await expect.poll(async () => (await casesNow()).length, { timeout: 60_000, interval: 1000 }).toBe(1);
    const [opened] = await casesNow();
    expect(opened).toMatchObject({ title: complaint, queue: 'orders', assigneeId: me.id });

    await page.getByTestId('cases-tab-list').click();
    const row = page.locator('tr', { hasText: complaint });
    await row.waitFor();
    expect(await row.innerText()).toContain('orders');
    expect(await row.getByTestId('case-assignee').innerText()).toBe(me.name);
    await row.getByRole('link').click();
    const detail = page.getByTestId('case-detail');
    await detail.waitFor();
    await expect.poll(() => detail.getByTestId('case-timeline').innerText()).toContain('Earshot: opened by the rule “');

    // Handed back to nobody, it leaves "my" list; "Assign to me" takes it again.
    await detail.getByTestId('case-assign').selectOption({ label: 'nobody' });
    await expect.poll(() => row.getByTestId('case-assignee').innerText()).toBe('');
    await page.getByTestId('cases-assignee-filter').selectOption('me');
    await expect.poll(() => page.locator('tr', { hasText: complaint }).count()).toBe(0);
    await page.getByTestId('cases-assignee-filter').selectOption('');
    await row.getByRole('link').click();
    await detail.getByTestId('case-assign-me').click();
    await expect.poll(async () => (await casesNow())[0]?.assigneeId).toBe(me.id);
    // The timeline says who did it, in words.
    await expect.poll(() => detail.getByTestId('case-timeline').innerText()).toContain(`${me.name}: unassigned it`);
    await expect.poll(() => detail.getByTestId('case-timeline').innerText()).toContain(`${me.name}: assigned it to ${me.name}`);
    await page.getByTestId('cases-assignee-filter').selectOption('me');
    await expect.poll(() => page.locator('tr', { hasText: complaint }).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('case-opened-by-rule'), fullPage: true });

    await page.getByTestId('cases-tab-metrics').click();
    await page.getByTestId('case-metrics-page').waitFor();
    await expect.poll(() => page.getByTestId('metric-open').innerText()).toBe('1');
    const bySubject = page.getByTestId('metrics-by-subject');
    expect(await bySubject.locator('tbody tr').count()).toBe(1);
    expect(await bySubject.locator('tbody tr').first().innerText()).toMatch(/^Acme\s+1\s+1/);
    const agentRow = await page.getByTestId('metrics-by-agent').locator('tbody tr').first().innerText();
    expect(agentRow.startsWith(me.name)).toBe(true);
    expect(agentRow.slice(me.name.length).trim()).toMatch(/^1\s+1\s/);
    await page.screenshot({ path: screenshotPath('case-metrics'), fullPage: true });
  }, 120_000);

  test('a reference pattern is tried and saved in the editor; a slow one is refused with the reason', async () => {
    await page.getByTestId('cases-tab-patterns').click();
    const editor = page.getByTestId('reference-patterns');
    await editor.getByTestId('pattern-add').click();
    const row = editor.getByTestId('pattern-row').first();
    await row.getByLabel('Name').fill('claim');
    await row.getByLabel('Pattern').fill(String.raw`claim\s*#?(\d{5})`);
    await row.getByLabel('Test text').fill('my claim #12345');
    await editor.getByLabel('Try on a text').fill('claim 55555 about order #48213');
    await editor.getByTestId('patterns-try').click();
    await expect.poll(() => editor.getByTestId('patterns-found').innerText()).toContain('claim: 55555');
    await row.getByLabel('Pattern').fill(String.raw`claim ((\d+\s?)+)$`);
    await row.getByLabel('Test text').fill('claim 12 34');
    await editor.getByTestId('patterns-save').click();
    await expect.poll(() => editor.getByTestId('patterns-message').innerText()).toContain('10 KB');
    await row.getByLabel('Pattern').fill(String.raw`claim\s*#?(\d{5})`);
    await row.getByLabel('Test text').fill('my claim #12345');
    await editor.getByTestId('patterns-save').click();
    await expect.poll(() => editor.getByTestId('patterns-message').innerText()).toContain('Saved 1 pattern');
    const saved = (await (await api('/api/reference-patterns')).json()) as { patterns: Array<{ name: string }> };
    expect(saved.patterns.map((p) => p.name)).toEqual(['claim']);
  }, 60_000);
});

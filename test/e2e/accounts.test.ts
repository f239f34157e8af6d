/**
 * Accounts in the browser: an admin adds users on the Users page and finds it in the audit log; a
 * viewer is offered neither page and the API refuses them; tokens are shown once and revocable; a
 * supplier lands on its own cases and sees no one else's.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

describe.skipIf(inject('browserSkipReason') !== null)('accounts in the dashboard, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let api: Awaited<ReturnType<typeof signedInFetch>>;
  let admin: Page;
  const viewer = { email: 'vera.viewer@example.test', password: '' };
  const supplier = { email: 'sam@kestrel.example', password: '' };
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser()]);
    api = await signedInFetch(server.url);
    // Two suppliers, each with a supplier case made from a post about it.
    for (const [name, query] of [['Kestrel Parts', 'kestrel'], ['Osprey Metals', 'osprey']] as const) {
      expect((await api('/api/subjects', json({ kind: 'supplier', name, query }))).status).toBe(201);
    }
    const posts = [
      { id: 'k1', text: 'kestrel hinge snapped after two days', author: 'ann', createdAt: new Date().toISOString() },
      { id: 'o1', text: 'osprey bracket rusted through', author: 'bob', createdAt: new Date().toISOString() },
    ];
    expect((await api('/api/ingest', json({ posts }))).status).toBe(200);
    const mentions = (await (await api('/api/mentions?limit=10')).json()) as { posts: Array<{ id: number; text: string }> };
    for (const [query, title] of [['kestrel', 'Kestrel hinges snapping'], ['osprey', 'Osprey brackets rusting']] as const) {
      const post = mentions.posts.find((p) => p.text.startsWith(query))!;
      expect((await api('/api/cases', json({ postIds: [post.id], title, kind: 'supplier' }))).status).toBe(201);
    }
    admin = await browser.newPage({ acceptDownloads: true });
    admin.on('dialog', (d) => void d.accept());
    await signInPage(admin, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an admin adds a viewer with a generated password shown once, and the audit log shows it', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    const form = admin.getByTestId('add-user');
    await form.getByLabel('E-mail').fill(viewer.email);
    await form.getByLabel('Name').fill('Vera Viewer');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Add' }).click();
    viewer.password = await admin.getByTestId('generated-password').innerText();
    expect(viewer.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await admin.getByTestId('users').locator(`tr[data-email="${viewer.email}"]`).waitFor();
    await admin.screenshot({ path: screenshotPath('users'), fullPage: true });
    await admin.getByTestId('shown-password').getByRole('button').click();
    expect(await admin.getByTestId('shown-password').count()).toBe(0);

    await admin.getByRole('link', { name: 'Audit log', exact: true }).click();
    await admin.getByTestId('audit-action').selectOption('user.created');
    await admin.waitForURL(/action=user\.created/);
    const row = admin.getByTestId('audit').locator('tr[data-action="user.created"]').filter({ hasText: viewer.email });
    await row.waitFor();
    expect(await row.innerText()).toContain(TEST_ADMIN.EARSHOT_ADMIN_EMAIL);
    expect(await admin.getByTestId('audit').locator('tbody tr').evaluateAll((rows) => rows.every((r) => r.getAttribute('data-action') === 'user.created'))).toBe(true);
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('id,at,actor,action,target,ip,details');
    expect(csv.slice(1).every((l) => l.includes(',user.created,'))).toBe(true);
    expect(csv.some((l) => l.includes(viewer.email))).toBe(true);
    await admin.screenshot({ path: screenshotPath('audit'), fullPage: true });
  });

  test('a viewer sees neither the Users nor the Audit page, and the API answers them 403', async () => {
    const page = await browser.newPage();
    await signInPage(page, server.url, viewer.email, viewer.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Overview', exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Audit log', exact: true }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'API tokens', exact: true }).count()).toBe(1);
    await page.goto(`${server.url}/users`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByTestId('users').count()).toBe(0);
    const statuses = await page.evaluate(async () => Promise.all(['/api/users', '/api/audit'].map(async (p) => (await fetch(p)).status)));
    expect(statuses).toEqual([403, 403]);
    await page.close();
  });

  test('a viewer creates a read token shown once, uses it, sees when it was last used, and revokes it', async () => {
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await signInPage(page, server.url, viewer.email, viewer.password);
    await page.getByRole('link', { name: 'API tokens', exact: true }).click();
    // Ingest is for admins only: a viewer is not offered it.
    // The page loads lazily: wait for its form before counting what it offers.
    await page.getByTestId('add-token').getByLabel('Name').waitFor();
    expect(await page.getByTestId('add-token').locator('option').allInnerTexts()).toHaveLength(2);
    await page.getByTestId('add-token').getByLabel('Name').fill('nightly export');
    await page.getByTestId('add-token').getByRole('button', { name: 'Create' }).click();
    const token = await page.getByTestId('new-token').innerText();
    expect(token).toMatch(/^es_[A-Za-z0-9_-]{43}$/);
    const row = page.getByTestId('tokens').locator('tr[data-name="nightly export"]');
    expect(await row.innerText()).toContain('never');
    expect((await fetch(`${server.url}/api/subjects`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await page.reload();
    await page.getByTestId('tokens').locator('tr[data-name="nightly export"]').waitFor();
    expect(await page.getByTestId('tokens').locator('tr[data-name="nightly export"]').innerText()).not.toContain('never');
    // Shown once: after a reload the token itself is nowhere on the page.
    expect(await page.content()).not.toContain(token);
    await page.getByTestId('tokens').locator('tr[data-name="nightly export"]').getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('tokens').locator('tr[data-name="nightly export"]').getByText(/^revoked/).waitFor();
    expect((await fetch(`${server.url}/api/subjects`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await page.close();
  });

  test('a password reset by an admin ends the viewer\'s session; log out everywhere ends the new one', async () => {
    const page = await browser.newPage();
    await signInPage(page, server.url, viewer.email, viewer.password);
    await admin.goto(`${server.url}/users`);
    const row = admin.getByTestId('users').locator(`tr[data-email="${viewer.email}"]`);
    await row.getByRole('button', { name: 'Reset password' }).click();
    const fresh = await admin.getByTestId('generated-password').innerText();
    expect(fresh).not.toBe(viewer.password);
    await admin.getByTestId('shown-password').getByRole('button').click();
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    await signInPage(page, server.url, viewer.email, fresh);
    await row.getByRole('button', { name: 'Log out everywhere' }).click();
    await admin.getByTestId('users-notice').getByText(/Ended 1 session/).waitFor();
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    await page.close();
  });

  test('an admin adds a supplier account, which lands on its own cases and sees only its supplier\'s', async () => {
    await admin.goto(`${server.url}/users`);
    const form = admin.getByTestId('add-user');
    await form.getByLabel('E-mail').fill(supplier.email);
    await form.getByLabel('Name').fill('Sam at Kestrel');
    await form.getByLabel('Role').selectOption('supplier');
    await form.getByTestId('new-user-supplier').selectOption({ label: 'Kestrel Parts' });
    await form.getByRole('button', { name: 'Add' }).click();
    supplier.password = await admin.getByTestId('generated-password').innerText();
    await admin.getByTestId('shown-password').getByRole('button').click();

    const page = await browser.newPage();
    await signInPage(page, server.url, supplier.email, supplier.password);
    await page.waitForURL(/\/supplier$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Your cases']);
    const table = page.getByTestId('supplier-cases');
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('Kestrel hinges snapping')]);
    await table.getByRole('link', { name: 'Kestrel hinges snapping' }).click();
    await page.getByTestId('evidence-text').getByText('kestrel hinge snapped').waitFor();
    await page.getByLabel(/Message to the quality team/).fill('Looking into lot 44');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('supplier-case').getByText('Looking into lot 44').waitFor();
    await page.screenshot({ path: screenshotPath('supplier-cases'), fullPage: true });
    const statuses = await page.evaluate(async () => Promise.all(['/api/cases', '/api/mentions', '/api/subjects'].map(async (p) => (await fetch(p)).status)));
    expect(statuses).toEqual([403, 403, 403]);
    await page.close();
  });
});

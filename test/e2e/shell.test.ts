import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

describe.skipIf(inject('browserSkipReason') !== null)('the dashboard shell in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the shell renders with navigation, a green health badge, and an empty state that says what to do', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('401') && errors.push(m.text()));
    // Signed out, the dashboard shows only the sign-in form; a wrong password is refused with a message.
    await page.goto(server.url);
    await page.getByTestId('login-form').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.getByTestId('login-form').getByLabel('E-mail').fill(TEST_ADMIN.EARSHOT_ADMIN_EMAIL);
    await page.getByTestId('login-form').getByLabel('Password').fill('wrong password entirely');
    await page.getByTestId('login-form').getByRole('button').click();
    await page.getByTestId('login-error').waitFor();
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Overview', 'Subjects', 'Issues', 'Alerts', 'Mentions', 'Cases', 'Settings']) {
      await expect(nav.getByRole('link', { name, exact: true }).count()).resolves.toBe(1);
    }
    await page.getByTestId('health-badge').and(page.locator('[data-status="ok"]')).waitFor();
    // No demo, no subjects: the page says what is missing and how to set it up, never fake numbers.
    await page.getByTestId('empty-state').getByText('No subjects yet').waitFor();
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { status: string; database: { kind: string; migrationsCurrent: boolean } };
    expect(health).toMatchObject({ status: 'ok', database: { kind: 'pglite', migrationsCurrent: true } });
    await page.screenshot({ path: screenshotPath('shell-overview'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('navigating is client-side and deep links load the right page', async () => {
    const page = await browser.newPage();
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
    await page.goto(`${server.url}/alerts?range=7d`);
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    // The same document: no full reload happened.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/settings');
    await page.close();
  });
});

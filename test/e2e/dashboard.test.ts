import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

const HOSTILE = '<img src=x onerror="window.__xss=1"> Northwind <script>window.__xss=2</script>';

describe.skipIf(inject('browserSkipReason') !== null)('the dashboard with the demo running, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: Awaited<ReturnType<typeof signedInFetch>>;
  let promptAnswer: string | null = null;

  beforeAll(async () => {
    const webDir = await buildDashboard();
    // A fast demo clock: history is backfilled at start, the live defect wave starts within seconds.
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'on', EARSHOT_DEMO_SPEED: '300', ...TEST_ADMIN }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // A prompt gets the answer a test queued; anything else is dismissed.
    page.on('dialog', (d) => void (d.type() === 'prompt' && promptAnswer !== null ? d.accept(promptAnswer) : d.dismiss()));
    api = await signedInFetch(server.url);
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
    // Wait until the backfill and the first derive pass have produced issues and alerts.
    for (let i = 0; i < 120; i++) {
      const alerts = (await (await api('/api/alerts')).json()) as { alerts: unknown[] };
      if (alerts.alerts.length > 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** True when the canvas has pixels that are not all one colour. */
  const canvasDrawn = (selector: string) =>
    page.locator(selector).first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const first = d.slice(0, 4).join();
      for (let i = 4; i < d.length; i += 4 * 97) if (`${d[i]},${d[i + 1]},${d[i + 2]},${d[i + 3]}` !== first) return true;
      return false;
    });

  test('the overview shows every subject with drawn charts and the source strip', async () => {
    await page.goto(`${server.url}/?range=7d`);
    await page.getByTestId('overview-table').waitFor();
    expect(await page.getByTestId('overview-table').locator('tbody tr').count()).toBe(6);
    await page.locator('canvas').first().waitFor();
    await page.waitForTimeout(500);
    expect(await canvasDrawn('canvas')).toBe(true);
    await page.getByTestId('source-strip').getByText('demo').waitFor();
    await page.screenshot({ path: screenshotPath('overview'), fullPage: true });
  });

  test('a filter changes what the mentions stream shows, and the link keeps it', async () => {
    await page.goto(`${server.url}/mentions`);
    await page.getByTestId('mentions').locator('li').first().waitFor();
    await page.getByTestId('filter-sentiment').selectOption('negative');
    await page.waitForURL(/sentiment=negative/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=mentions] > li')].length > 0 && [...document.querySelectorAll('[data-testid=mentions] > li')].every((li) => li.getAttribute('data-label') === 'negative'));
    await page.screenshot({ path: screenshotPath('mentions'), fullPage: false });
  });

  test('a post arriving by webhook appears without a reload, as inert text', async () => {
    await page.goto(`${server.url}/mentions`);
    await page.getByTestId('mentions').locator('li').first().waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const now = (await (await api('/api/health')).json()) as { sources: Array<{ lastPostAt: string }> };
    const res = await api('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'xss-1', text: HOSTILE, createdAt: now.sources[0]!.lastPostAt, author: 'mallory' }),
    });
    expect(res.status).toBe(200);
    const item = page.getByTestId('post-text').filter({ hasText: '<img src=x onerror=' });
    await item.waitFor({ timeout: 30_000 });
    expect(await item.innerText()).toContain(HOSTILE);
    expect(await page.locator('[data-testid=mentions] img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  });

  test('alerts show with their why, and the issue board has issues with drawn sparklines', async () => {
    await page.goto(`${server.url}/alerts?status=all`);
    await page.getByTestId('alerts').locator('li').first().waitFor();
    await page.getByTestId('alerts').locator('details').first().click();
    await expect(page.getByTestId('alerts').locator('li').first().innerText()).resolves.toMatch(/Observed \d+, expected/);
    await page.screenshot({ path: screenshotPath('alerts'), fullPage: false });
    await page.goto(`${server.url}/issues`);
    await page.getByTestId('issue-card').first().waitFor();
    await page.screenshot({ path: screenshotPath('issues'), fullPage: false });
  });

  test('CSV export downloads exactly the rows the scorecard shows, formula cells neutralised', async () => {
    await page.goto(`${server.url}/subjects?range=30d&kind=supplier`);
    await page.getByTestId('scorecard').locator('tbody tr').first().waitFor();
    const shown = await page.getByTestId('scorecard').locator('tbody tr td:first-child a').allInnerTexts();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toMatch(/^subject,kind/);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(shown);
    expect(shown).toHaveLength(4);
    // The export is in the audit log, with the file and the number of rows.
    await expect
      .poll(async () => ((await (await api('/api/audit?action=export')).json()) as { entries: Array<{ targetId: string | null; details: { rows?: number } }> }).entries.map((e) => [e.targetId, e.details.rows]))
      .toContainEqual([expect.stringMatching(/^earshot-scorecard-30d\.csv$/), 4]);
    await page.screenshot({ path: screenshotPath('subjects'), fullPage: false });
  });

  test('a filter saved as a group comes back with one click: all tier-1 suppliers', async () => {
    await page.goto(`${server.url}/subjects?range=30d&kind=supplier&attr=tier%3D1`);
    await page.getByTestId('scorecard').locator('tbody tr').first().waitFor();
    const tierOne = await page.getByTestId('scorecard').locator('tbody tr td:first-child a').allInnerTexts();
    expect(tierOne.length).toBe(2);
    promptAnswer = 'Tier-1 suppliers';
    await page.getByTestId('save-group').click();
    await page.getByTestId('groups').getByRole('button', { name: 'Tier-1 suppliers', exact: true }).waitFor();
    promptAnswer = null;
    await page.goto(`${server.url}/subjects?range=30d`);
    await page.getByTestId('scorecard').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('scorecard').locator('tbody tr').count()).toBeGreaterThan(2);
    await page.getByTestId('groups').getByRole('button', { name: 'Tier-1 suppliers', exact: true }).click();
    await page.waitForURL(/attr=tier/);
    await expect.poll(() => page.getByTestId('scorecard').locator('tbody tr td:first-child a').allInnerTexts()).toEqual(tierOne);
  });

  test('settings preview a draft query with matches highlighted, and the cases page renders', async () => {
    await page.goto(`${server.url}/settings?tab=subjects`);
    await page.getByTestId('query-editor').fill('kestrel AND batch');
    await page.getByTestId('query-preview').locator('mark').first().waitFor();
    await page.getByTestId('query-editor').fill('kestrel AND (');
    await page.getByTestId('query-preview').getByText(/Error at position/).waitFor();
    await page.screenshot({ path: screenshotPath('settings'), fullPage: false });
    await page.goto(`${server.url}/cases`);
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
  });
});

/**
 * Incident mode in Chromium against the real server: start an incident from the page, see its
 * timeline drawn and its posts counted, follow a new post live, keep a note, close it as a record.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

const HOSTILE = '<img src=x onerror="window.__xss=1"> flight 212 smoke in the cabin';

describe.skipIf(inject('browserSkipReason') !== null)('incident mode in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: Awaited<ReturnType<typeof signedInFetch>>;

  const ingest = async (posts: Array<{ id: string; text: string; author: string; minutesAgo: number; kind?: string; repostOfId?: string }>) => {
    const body = { posts: posts.map((p) => ({ id: p.id, text: p.text, author: p.author, createdAt: new Date(Date.now() - p.minutesAgo * 60_000).toISOString(), kind: p.kind, repostOfId: p.repostOfId })) };
    const res = await api('/api/ingest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(posts.length);
  };

  beforeAll(async () => {
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    api = await signedInFetch(server.url);
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
    await ingest([
      { id: 'e1', text: 'Flight 212 just made an emergency landing, scary', author: 'ann', minutesAgo: 6 },
      { id: 'e2', text: 'RT @ann: Flight 212 just made an emergency landing, scary', author: 'bob', minutesAgo: 5, kind: 'repost', repostOfId: 'e1' },
      { id: 'e3', text: HOSTILE, author: 'mallory', minutesAgo: 4 },
      { id: 'e4', text: 'lunch was great today', author: 'cid', minutesAgo: 4 },
    ]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const canvasDrawn = (selector: string) =>
    page.locator(selector).first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const first = d.slice(0, 4).join();
      for (let i = 4; i < d.length; i += 4 * 97) if (`${d[i]},${d[i + 1]},${d[i + 2]},${d[i + 3]}` !== first) return true;
      return false;
    });

  test('starting an incident opens its war room with the timeline drawn, posts counted and stories collapsed', async () => {
    await page.goto(`${server.url}/incidents`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents', exact: true }).waitFor();
    await page.getByTestId('empty-state').waitFor();
    const form = page.getByTestId('incident-form');
    await form.getByLabel('Name').fill('EK212 emergency landing');
    await form.getByLabel('Query').fill('"flight 212" OR #EK212');
    // datetime-local takes the browser's local time: ten minutes ago, to the minute.
    const start = await page.evaluate(() => {
      const d = new Date(Date.now() - 10 * 60_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await form.getByLabel('Started at').fill(start);
    await form.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/incident=\d+/);
    await page.getByTestId('incident-timeline').locator('canvas').waitFor();
    await expect(page.getByTestId('kpi-posts').innerText()).resolves.toBe('2');
    await page.waitForTimeout(300);
    expect(await canvasDrawn('[data-testid=incident-timeline] canvas')).toBe(true);
    // The original and its repost are one story; the hostile post is shown as text and runs nothing.
    const stories = page.getByTestId('incident-stories').locator('li');
    await expect(stories.count()).resolves.toBe(2);
    await expect(stories.first().innerText()).resolves.toMatch(/2 posts: 1 repost, 0 quotes, 0 copies · 2 people/);
    expect(await page.getByTestId('incident-stories').innerText()).toContain('<img src=x onerror=');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect(page.getByTestId('kpi-new-voices').innerText()).resolves.toBe('2');
  });

  test('a matching post arriving later shows without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await ingest([{ id: 'e5', text: 'Passengers of #EK212 are all safe', author: 'dan', minutesAgo: 0 }]);
    await page.getByTestId('kpi-posts').filter({ hasText: /^3$/ }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await page.getByTestId('incident-posts').locator('tbody tr').count()).toBe(3);
  });

  test('a note lands in the log, CSV exports the posts shown, and closing keeps a read-only record', async () => {
    await page.getByTestId('note-form').getByLabel('Note').fill('Statement sent to press at 14:05.');
    await page.getByTestId('note-form').getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('incident-notes').getByText('Statement sent to press at 14:05.').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toMatch(/^id,created,source,author/);
    expect(csv).toHaveLength(4);
    await page.screenshot({ path: screenshotPath('incident'), fullPage: true });
    await page.getByRole('button', { name: 'Close incident' }).click();
    await page.getByTestId('incident-status').filter({ hasText: 'closed' }).waitFor();
    expect(await page.getByTestId('note-form').count()).toBe(0);
    await page.getByTestId('incident-notes').getByText('Statement sent to press at 14:05.').waitFor();
    await page.goto(`${server.url}/incidents?status=closed`);
    await page.getByTestId('incidents').locator('li[data-status=closed]').first().waitFor();
    await expect(page.getByTestId('incidents').locator('li').count()).resolves.toBe(1);
  });
});

/**
 * Settings → Sources in Chromium against the real server: an admin tests and adds an RSS feed
 * served by the local fake, the feed's matching entries arrive as mentions, the source shows its
 * health, is paused and removed; the page never shows a credential.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startFakeFeedServer, rssFeed, type FakeFeedServer } from '../fakes/feed.fake';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

describe.skipIf(inject('browserSkipReason') !== null)('configuring a source from the dashboard', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let feeds: FakeFeedServer;
  let api: Awaited<ReturnType<typeof signedInFetch>>;

  beforeAll(async () => {
    const webDir = await buildDashboard();
    feeds = await startFakeFeedServer();
    const published = new Date(Date.now() - 3_600_000);
    feeds.set('/trade.xml', {
      kind: 'feed',
      etag: true,
      body: rssFeed({
        title: 'Trade News',
        items: [
          { id: 't1', title: 'Kestrel Plastics recalls batch 42 housings', description: '<p>Cracked housings reported by <b>three</b> customers.</p>', link: 'https://news.example/t1', published },
          { id: 't2', title: 'Weather this weekend', description: 'Sunny.', link: 'https://news.example/t2', published },
        ],
      }),
    });
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', ...TEST_ADMIN }), launchBrowser()]);
    api = await signedInFetch(server.url);
    const created = await api('/api/subjects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'supplier', name: 'Kestrel Plastics', query: 'kestrel' }) });
    expect(created.status).toBe(201);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await feeds?.close();
  });

  test('test, add, watch it deliver, pause and remove an RSS feed', async () => {
    await page.goto(`${server.url}/settings?tab=sources`);
    await page.getByTestId('source-kind').selectOption('rss');
    await page.getByTestId('source-name').fill('Trade news');
    await page.getByTestId('source-feed-url').fill(feeds.url('/trade.xml'));
    await page.getByTestId('source-test').click();
    const result = page.getByTestId('source-test-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('2 entries');

    await page.getByTestId('source-add').click();
    const row = page.locator('tr[data-source="rss:trade-news"]');
    await row.waitFor();
    // The matching entry arrives as a mention; the other is stored but matches no subject.
    let mentions: Array<{ text: string; url: string | null }> = [];
    for (let i = 0; i < 60 && mentions.length === 0; i++) {
      mentions = ((await (await api('/api/mentions?range=7d')).json()) as { posts: typeof mentions }).posts ?? [];
      if (mentions.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(mentions.map((m) => m.url)).toEqual(['https://news.example/t1']);
    expect(mentions[0]!.text).toContain('Cracked housings reported by three customers.');
    expect(mentions[0]!.text).not.toContain('<');

    await page.reload();
    await row.locator('.status.connected').waitFor();
    expect(feeds.count('/trade.xml').requests).toBeGreaterThanOrEqual(2);
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('.status.paused').waitFor();
    await page.screenshot({ path: screenshotPath('settings-sources'), fullPage: true });
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    const left = (await (await api('/api/sources')).json()) as { sources: unknown[] };
    expect(left.sources).toEqual([]);
  });
});

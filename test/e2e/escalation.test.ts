/**
 * Supplier escalation in the browser: complaints about a supplier's part become an issue; from the
 * issue's case an analyst escalates to the supplier, and a local SMTP server receives the letter
 * with the evidence attached; the new supplier case is a click away.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.fake';

describe.skipIf(inject('browserSkipReason') !== null)('supplier escalation from the case page, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let smtp: FakeSmtp;
  let caseId: number;
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    smtp = await startFakeSmtp();
    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([startServerProcess({ EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', SMTP_URL: smtp.url, EARSHOT_MAIL_FROM: 'earshot@acme.example', ...TEST_ADMIN }), launchBrowser()]);
    const api = await signedInFetch(server.url);
    expect((await api('/api/subjects', json({ kind: 'company', name: 'Acme', query: 'acme' }))).status).toBe(201);
    expect((await api('/api/subjects', json({ kind: 'supplier', name: 'Kestrel Parts', query: 'kestrel' }))).status).toBe(201);
    const texts = [
      'acme the door hinge snapped after two days, part HX-220, so disappointed',
      'acme my hinge snapped off the cabinet door, awful quality',
      'acme hinge snapped again on the new wardrobe, part HX-220',
      'acme cabinet door hinge snapped the first week, terrible',
      'acme wardrobe hinge snapped, third one this month',
    ];
    const now = Date.now();
    const posts = texts.map((text, i) => ({ id: `h${i}`, text, author: `buyer${i}`, createdAt: new Date(now - (texts.length - i) * 60_000).toISOString(), url: `https://x.com/buyer${i}/status/${1000 + i}` }));
    expect((await api('/api/ingest', json({ posts }))).status).toBe(200);
    // The derive step groups the complaints into an issue within a pass or two.
    let issueId: number | undefined;
    for (let i = 0; i < 60 && issueId === undefined; i++) {
      const body = (await (await api('/api/issues')).json()) as { issues: Array<{ id: number }> };
      issueId = body.issues[0]?.id;
      if (issueId === undefined) await new Promise((r) => setTimeout(r, 500));
    }
    expect(issueId, 'the derive step made no issue of five alike complaints').toBeDefined();
    const created = await api('/api/cases', json({ issueId }));
    expect(created.status).toBe(201);
    caseId = ((await created.json()) as { id: number }).id;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  test('an analyst escalates the issue to the supplier; the mail arrives with the evidence attached', async () => {
    const page = await browser.newPage();
    await signInPage(page, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
    await page.goto(`${server.url}/cases?case=${caseId}`);
    const box = page.getByTestId('escalation');
    await box.locator('summary').click();
    await box.getByTestId('escalation-address').fill('quality@kestrel.example');
    await box.getByTestId('escalation-send').click();
    await box.getByTestId('escalation-result').waitFor();
    expect(await box.getByTestId('escalation-result').innerText()).toMatch(/Supplier case #\d+: sent \(e-mail to quality@kestrel\.example/);
    expect(smtp.messages).toHaveLength(1);
    const raw = smtp.messages[0]!.raw.replace(/=\r\n/g, '');
    expect(smtp.messages[0]!.to).toEqual(['quality@kestrel.example']);
    expect(raw).toMatch(/filename=.?evidence\.json/);
    expect(raw).toMatch(/filename=.?posts\.csv/);
    expect(raw).toContain('Non-conformance report');
    await page.screenshot({ path: screenshotPath('escalation'), fullPage: true });
    await box.getByTestId('escalation-result').getByRole('link').click();
    await page.getByTestId('case-timeline').getByText('the escalation was delivered').waitFor();
    expect(await page.getByTestId('case-detail').locator('h2').innerText()).toMatch(/^#\d+ Non-conformance: /);
  });
});

/**
 * Hostile input end to end, through the real `earshot` binary: the corpus goes in by file import
 * (the CLI), the webhook, subject names and queries, case titles and notes, user and token names and
 * a supplier's acknowledgement; it comes out through the API, every dashboard page in Chromium and
 * the CSV exports. XSS payloads set window flags, so "nothing executes" is a flag that never flips;
 * the CSP refuses inline script even when one gets into the DOM; formula cells are neutralised.
 * Last, the log of the whole run (debug level, credentials configured through the API and the
 * environment) is searched for every secret value.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { hostileStrings } from '../fixtures/hostile';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.fake';
import { launchBrowser, screenshotPath, signInPage } from '../support/browser';
import { buildDashboard } from '../support/build-web';
import { repoRoot } from '../support/env';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

const run = promisify(execFile);

/** Payloads that would set `window.__pwned` if anything ran them; each way in gets its own tag. */
const xss = (tag: string) => [
  `<img src=x onerror="window.__pwned='${tag}-img'">`,
  `<script>window.__pwned='${tag}-script'</script>`,
  `"><svg/onload="window.__pwned='${tag}-svg'">`,
  `<a href="javascript:window.__pwned='${tag}-href'">click</a>`,
];

const SECRETS = {
  secretKey: 'hostile-run-secret-key-material-0123456789abcdef',
  smtpPassword: 'smtp-pass-Vq8mZt2LwX',
  webhookSecret: 'webhook-signing-secret-Hn4kPq9s',
  xBearer: 'AAAAAAAAAAAAAAAAAAAAAxBearerSecretTk7Rw',
  mastodonToken: 'mastodon-access-token-Jd83kLq0pZ',
};

/** A minimal RFC 4180 reader, so the test checks cells as a spreadsheet would see them. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted || (c !== '"' && c !== ',' && c !== '\r')) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endCell();
    } else if (text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else {
      cell += c;
    }
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe.skipIf(inject('browserSkipReason') !== null)('hostile input from the file import to the browser, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let smtp: FakeSmtp;
  let network: Server;
  const seenAuthorization: string[] = [];
  let api: Awaited<ReturnType<typeof signedInFetch>>;
  let admin: Page;
  let caseId = 0;
  const supplierUser = { email: 'quality@kestrel.example', password: '' };
  const issued: string[] = [];
  const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'earshot-hostile-'));
    // Way in 1: a file import through the CLI, before the server starts on the same data.
    const lines = [...hostileStrings.map((h) => h.value), ...xss('import')].map((text, i) =>
      JSON.stringify({ id: `imp-${i}`, text: `kestrel ${text}`, createdAt: new Date(Date.now() - 60_000 * (i + 1)).toISOString(), author: `imp${i}` }),
    );
    const file = join(dataDir, 'hostile.jsonl');
    writeFileSync(file, lines.join('\n'));
    const env = { ...process.env, EARSHOT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
    const imported = await run('node', ['server/bin.js', 'import', file], { cwd: repoRoot, env });
    // Posts whose text cannot be stored as sent (a NUL byte) are cleaned or refused, never a crash.
    expect(imported.stdout).toMatch(/Imported \d+ posts/);

    // A network that refuses every credential, so sources use theirs and log the failure.
    network = createServer((req, res) => {
      seenAuthorization.push(String(req.headers.authorization ?? ''));
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ title: 'Unauthorized', detail: 'bad token' }));
    });
    await new Promise<void>((resolve) => network.listen(0, '127.0.0.1', resolve));
    const networkUrl = `http://127.0.0.1:${(network.address() as AddressInfo).port}`;
    smtp = await startFakeSmtp();
    const smtpUrl = new URL(smtp.url);
    smtpUrl.username = 'earshot';
    smtpUrl.password = SECRETS.smtpPassword;

    const webDir = await buildDashboard();
    [server, browser] = await Promise.all([
      startServerProcess({ EARSHOT_DATA_DIR: dataDir, EARSHOT_WEB_DIR: webDir, EARSHOT_DEMO: 'off', LOG_LEVEL: 'trace', EARSHOT_SECRET_KEY: SECRETS.secretKey, SMTP_URL: smtpUrl.toString(), ...TEST_ADMIN }),
      launchBrowser(),
    ]);
    api = await signedInFetch(server.url);

    // Credentials through every API that takes them.
    expect((await api('/api/settings/alert-targets', json('PUT', { targets: [{ id: 'ops', kind: 'webhook', name: 'Ops', url: `${networkUrl}/hook`, secret: SECRETS.webhookSecret }] }))).status).toBe(200);
    const xSource = { config: { kind: 'x', name: 'X hostile', apiBase: networkUrl, pollIntervalSeconds: 15 }, secrets: { bearerToken: SECRETS.xBearer } };
    expect((await api('/api/sources/test', json('POST', xSource))).status).toBeLessThan(500);
    expect((await api('/api/sources', json('POST', xSource))).status).toBe(201);
    const mastodon = { config: { kind: 'mastodon', name: 'Mastodon hostile', instanceUrl: networkUrl, hashtags: ['kestrel'] }, secrets: { accessToken: SECRETS.mastodonToken } };
    expect((await api('/api/sources', json('POST', mastodon))).status).toBe(201);

    // Ways in 2-6: subject names and queries, the webhook (with an ingest token), a case, its notes, names.
    const supplier = await api('/api/subjects', json('POST', { kind: 'supplier', name: `Kestrel ${xss('subject')[0]}`, query: 'kestrel' }));
    expect(supplier.status).toBe(201);
    const supplierId = ((await supplier.json()) as { id: number }).id;
    for (const h of hostileStrings.filter((x) => /formula|xss|sql|template/.test(x.kind))) {
      const r = await api('/api/subjects', json('POST', { kind: 'supplier', name: h.value, query: `"${h.kind}"` }));
      expect(r.status, h.kind).toBeLessThan(500);
    }
    const tokenRes = await api('/api/tokens', json('POST', { name: xss('token')[0], scope: 'ingest' }));
    const { token } = (await tokenRes.json()) as { token: string };
    issued.push(token);
    const hookPosts = [...hostileStrings.map((h) => h.value), ...xss('webhook')].map((text, i) => ({ id: `hook-${i}`, text: `kestrel ${text}`, author: { id: `h${i}`, handle: xss('author')[i % 4]!.slice(0, 200), name: text.slice(0, 500) || 'x' }, createdAt: new Date(Date.now() - 30_000).toISOString() }));
    // The same strings bare, so cells of the exports start with them (=, +, @ ...).
    const barePosts = hostileStrings.filter((h) => h.kind.startsWith('csv formula')).map((h, i) => ({ id: `bare-${i}`, text: h.value, author: { id: `b${i}`, handle: h.value.slice(0, 200) }, createdAt: new Date(Date.now() - 20_000).toISOString() }));
    const hook = await fetch(`${server.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ posts: [...hookPosts, ...barePosts] }) });
    expect(hook.status).toBeLessThan(500);
    const mentions = (await (await api('/api/mentions?limit=500')).json()) as { posts: Array<{ id: number; text: string }> };
    const evidence = mentions.posts.find((p) => p.text === `kestrel ${xss('webhook')[0]}`)!;
    expect(evidence).toBeDefined();
    const created = await api('/api/cases', json('POST', { postIds: [evidence.id], title: `=HYPERLINK("http://evil.example","x") ${xss('case')[1]}`, kind: 'supplier' }));
    expect(created.status).toBe(201);
    caseId = ((await created.json()) as { id: number }).id;
    for (const text of [...hostileStrings.map((h) => h.value), ...xss('note')]) {
      const r = await api(`/api/cases/${caseId}/notes`, json('POST', { text }));
      expect(r.status, text.slice(0, 40)).toBeLessThan(500);
    }
    const user = await api('/api/users', json('POST', { email: supplierUser.email, name: xss('user')[0], role: 'supplier', supplierSubjectId: supplierId }));
    expect(user.status).toBe(201);
    supplierUser.password = ((await user.json()) as { password: string }).password;

    admin = await browser.newPage({ acceptDownloads: true });
    admin.on('dialog', (d) => void d.dismiss());
    await signInPage(admin, server.url, TEST_ADMIN.EARSHOT_ADMIN_EMAIL, TEST_ADMIN.EARSHOT_ADMIN_PASSWORD);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    network?.close();
  });

  const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null);

  test('the API returns the hostile text as JSON text, exactly as it went in', async () => {
    const mentions = (await (await api('/api/mentions?limit=500')).json()) as { posts: Array<{ text: string; author: { handle: string | null } }> };
    const texts = new Set(mentions.posts.map((p) => p.text));
    for (const p of [...xss('import'), ...xss('webhook')]) expect(texts.has(`kestrel ${p}`), p).toBe(true);
    expect(texts.has(`kestrel ${hostileStrings.find((h) => h.kind === 'csv formula hyperlink')!.value}`)).toBe(true);
    const detail = (await (await api(`/api/cases/${caseId}`)).json()) as { timeline: Array<{ type: string; details: { text?: string } }> };
    const notes = detail.timeline.filter((e) => e.type === 'note').map((e) => e.details.text);
    for (const n of xss('note')) expect(notes).toContain(n);
  });

  test.each([
    { path: '/mentions', ready: '[data-testid=post-text]', shows: `kestrel ${xss('webhook')[0]}` },
    { path: '/subjects?kind=supplier', ready: '[data-testid=scorecard] tbody tr', shows: `Kestrel ${xss('subject')[0]}` },
    { path: '/cases?case=:case', ready: '[data-testid=case-detail]', shows: xss('note')[0]! },
    { path: '/users', ready: '[data-testid=users] tbody tr', shows: xss('user')[0]! },
    { path: '/tokens', ready: '[data-testid=tokens] tbody tr', shows: xss('token')[0]! },
    { path: '/audit', ready: '[data-testid=audit] tbody tr', shows: xss('token')[0]! },
    { path: '/settings', ready: 'main h1', shows: 'Settings' },
    { path: '/', ready: 'main > *', shows: '' },
  ])('$path renders the hostile text as text and runs none of it', async ({ path, ready, shows }) => {
    await admin.goto(`${server.url}${path.replace(':case', String(caseId))}`);
    await admin.locator(ready).first().waitFor();
    if (shows) await admin.getByText(shows, { exact: false }).first().waitFor();
    // Give onerror/onload handlers every chance to fire.
    await admin.waitForLoadState('networkidle');
    expect(await pwned(admin)).toBeNull();
    expect(await admin.locator('main img[src="x"], main svg[onload], main script, main a[href^="javascript:"]').count()).toBe(0);
    await admin.screenshot({ path: screenshotPath(`hostile${path.replace(/[/?=:&]+/g, '-')}`), fullPage: false });
  });

  test('a supplier sees its case evidence and the hostile title as text, and nothing runs', async () => {
    const page = await browser.newPage();
    await signInPage(page, server.url, supplierUser.email, supplierUser.password);
    await page.goto(`${server.url}/supplier?case=${caseId}`);
    await page.getByTestId('evidence-text').first().waitFor();
    expect(await page.getByTestId('evidence-text').first().innerText()).toBe(`kestrel ${xss('webhook')[0]}`);
    await page.getByLabel(/Message to the quality team/).fill(xss('ack')[1]!);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('supplier-case').getByText(xss('ack')[1]!, { exact: false }).waitFor();
    // Internal notes, hostile or not, never reach the supplier.
    expect(await page.getByText(xss('note')[0]!, { exact: false }).count()).toBe(0);
    expect(await pwned(page)).toBeNull();
    await page.close();
  });

  test('the CSP refuses inline script even when one reaches the DOM, and the page says so', async () => {
    const res = await fetch(`${server.url}/mentions`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline[^;]*;?\s*$|script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    await admin.goto(`${server.url}/mentions`);
    await admin.locator('[data-testid=post-text]').first().waitFor();
    const outcome = await admin.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = "window.__pwned = 'inline-script'";
      document.body.append(s);
      const img = document.createElement('img');
      img.setAttribute('onerror', "window.__pwned = 'inline-handler'");
      img.src = 'data:,not-an-image';
      document.body.append(img);
      await new Promise((r) => setTimeout(r, 300));
      return { pwned: (window as unknown as { __pwned?: string }).__pwned ?? null, violations };
    });
    expect(outcome.pwned).toBeNull();
    expect(outcome.violations.filter((v) => v.startsWith('script-src')).length).toBeGreaterThanOrEqual(2);
  });

  test.each([
    { page: '/mentions', file: 'mentions', ready: '[data-testid=post-text]' },
    { page: '/cases', file: 'cases', ready: 'main h1' },
    { page: '/subjects?kind=supplier', file: 'scorecard', ready: '[data-testid=scorecard] tbody tr' },
  ])('the $file CSV export neutralises every formula cell and keeps the text', async ({ page: path, ready }) => {
    await admin.goto(`${server.url}${path}`);
    await admin.locator(ready).first().waitFor();
    await admin.waitForLoadState('networkidle');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export CSV' }).click()]);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const cells = rows.slice(1).flat();
    expect(cells.length).toBeGreaterThan(0);
    const dangerous = cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
    expect(dangerous).toEqual([]);
    // The neutralised cells are still there, with their text after the apostrophe.
    expect(cells.some((c) => c.startsWith(`'=HYPERLINK(`) || c.startsWith(`'=cmd|`))).toBe(true);
  });

  test('the log of the whole run holds no secret: not the key, passwords, tokens, cookies or credentials', async () => {
    // The sources had time to use their credentials against the refusing network.
    for (let i = 0; i < 60 && !seenAuthorization.some((a) => a.includes(SECRETS.xBearer)); i++) await new Promise((r) => setTimeout(r, 500));
    expect(seenAuthorization.some((a) => a.includes(SECRETS.xBearer))).toBe(true);
    // Sign-ins, a wrong one and a token that is almost right add to what the log could leak.
    await fetch(`${server.url}/api/session`, json('POST', { email: TEST_ADMIN.EARSHOT_ADMIN_EMAIL, password: `${TEST_ADMIN.EARSHOT_ADMIN_PASSWORD}-wrong` }));
    const session = await fetch(`${server.url}/api/session`, json('POST', { email: supplierUser.email, password: supplierUser.password }));
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!.split('=')[1]!;
    await fetch(`${server.url}/api/subjects`, { headers: { authorization: `Bearer ${issued[0]!.slice(0, -1)}x` } });
    await server.stop();
    const log = server.output();
    expect(log.split('\n').length).toBeGreaterThan(50);
    expect(log).toContain('/api/sources');
    const values = { ...SECRETS, adminPassword: TEST_ADMIN.EARSHOT_ADMIN_PASSWORD, supplierPassword: supplierUser.password, token: issued[0]!, tokenBody: issued[0]!.slice(3), cookie };
    const leaked = Object.entries(values).filter(([, v]) => log.includes(v) || log.includes(encodeURIComponent(v)));
    expect(leaked.map(([k]) => k)).toEqual([]);
  });
});

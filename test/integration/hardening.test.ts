/**
 * Hostile input through every way in that exists: sign-in, users, tokens, subjects, issue edits,
 * mention filters, webhook ingest. Nothing executes (answers are JSON, never HTML), nothing is
 * corrupted (text comes back as sent, prototypes stay clean, tables stay whole), and every refusal
 * is a clear 4xx JSON error without a stack trace or SQL.
 */
import { Writable } from 'node:stream';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiError } from '../../shared/api/errors';
import { tokenCreated } from '../../shared/api/auth';
import { ingestResponse } from '../../shared/api/ingest';
import { buildFullApp, Client, makeUser, sessionFor, tokenFor, type Reply } from '../support/auth-app';
import { createTestDatabase, describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';
import { deeplyNestedArray, deeplyNestedObject, hostileStrings, invalidUtf8Body, pollutingBodies } from '../fixtures/hostile';
import { startFakeSmtp } from '../fakes/smtp.fake';
import { emailNotifier, Mailer } from '../../server/notify/email.notifier';
import type { AlertMessage } from '../../server/notify/notifier';

/** Text as it comes back: trimmed like the schemas do, a lone surrogate (not storable as UTF-8) as U+FFFD. */
const wellFormed = (s: string) => (s as string & { toWellFormed(): string }).toWellFormed();
const asStored = (s: string) => wellFormed(s.trim());
/** A URL cannot carry a lone surrogate at all; the nearest a client can send is its replacement. */
const enc = (s: string) => encodeURIComponent(wellFormed(s));

const LEAKS = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\bselect\b.+\bfrom\b|\binsert into\b|\bsyntax error\b|\bduplicate key\b|\bviolates\b|SQLSTATE|ECONNREFUSED/i;

/** The promise every answer keeps: a JSON body; below 500; a refusal is `{ error: { code, message } }` and leaks nothing. */
function expectClean(r: Reply, what: string): void {
  expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status !== 204) expect(r.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(r.headers.get('x-content-type-options'), what).toBe('nosniff');
  if (r.status >= 400) {
    // The webhook refuses items one by one with reasons; every other refusal is the one error shape.
    const shape = ingestResponse.safeParse(r.body).success || apiError.safeParse(r.body).success;
    expect(shape, `${what}: ${r.text.slice(0, 300)}`).toBe(true);
    expect(r.text, what).not.toMatch(LEAKS);
  }
}

function expectPrototypesClean(): void {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
    expect(Object.getOwnPropertyNames(proto)).not.toContain('polluted');
    expect(Object.getOwnPropertyNames(proto)).not.toContain('isAdmin');
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describeEachDatabase('hostile input', (db) => {
  let server: { url: string; close(): Promise<void> };
  let admin: Client;
  let issueId: number;
  let postId: number;
  let supplierCaseId: number;
  let supplier: Client;

  beforeAll(async () => {
    const app = await buildFullApp(db(), { auth: { throttle: { windowMs: 60_000, accountLimit: 1000, ipLimit: 1000, baseLockMs: 1, maxLockMs: 1, maxKeys: 1000 }, rateLimitPerMinute: 100_000 } });
    server = await listenOnFreePort(app);
    const a = await makeUser(db(), 'admin');
    admin = new Client(server.url);
    Object.assign(admin, await sessionFor(db(), a.id));
    const issue = await db().db.insertInto('issues').values({ label: 'late deliveries', first_seen: new Date(), last_seen: new Date() }).returning('id').executeTakeFirstOrThrow();
    issueId = issue.id;
    const kestrel = await admin.call('POST', '/api/subjects', { kind: 'supplier', name: 'Kestrel for cases', query: 'kestrelcase' });
    expect((await admin.call('POST', '/api/ingest', { id: 'case-post', text: 'kestrelcase hinge snapped', author: 'ann', createdAt: '2026-03-10T08:00:00Z' })).status).toBe(200);
    const post = await db().db.selectFrom('posts').select('id').where('native_id', '=', 'case-post').executeTakeFirstOrThrow();
    postId = post.id;
    const supplierCase = await admin.call('POST', '/api/cases', { postIds: [postId], title: 'hinges', kind: 'supplier' });
    expect(supplierCase.status).toBe(201);
    supplierCaseId = (supplierCase.body as { id: number }).id;
    const s = await makeUser(db(), 'supplier', { supplierSubjectId: (kestrel.body as { id: number }).id });
    supplier = new Client(server.url);
    Object.assign(supplier, await sessionFor(db(), s.id));
  });
  afterAll(() => server?.close());

  test.each(hostileStrings)('$kind: sign-in refuses it cleanly whether it is the e-mail or the password', async ({ value }) => {
    for (const body of [{ email: value, password: 'x' }, { email: 'someone@example.test', password: value }, { email: value, password: value }]) {
      const r = await new Client(server.url).call('POST', '/api/session', body);
      expectClean(r, 'login');
      expect([400, 401]).toContain(r.status);
    }
  });

  test.each(hostileStrings)('$kind: as a user name, a token name, a subject name and query, an issue label and a mention filter', async ({ kind, value }) => {
    const tag = kind.replace(/\W+/g, '-');
    const user = await admin.call('POST', '/api/users', { email: `${tag}@example.test`, name: value, role: 'viewer' });
    expectClean(user, 'user');
    if (user.status === 201) expect((user.body as { name: string }).name).toBe(asStored(value));
    const badEmail = await admin.call('POST', '/api/users', { email: value, name: 'x', role: 'viewer' });
    expectClean(badEmail, 'user email');
    expect(badEmail.status).toBe(400);
    const badRole = await admin.call('POST', '/api/users', { email: `r-${tag}@example.test`, name: 'x', role: value });
    expect(badRole.status).toBe(400);

    const token = await admin.call('POST', '/api/tokens', { name: value, scope: 'read' });
    expectClean(token, 'token');
    if (token.status === 201) expect(tokenCreated.parse(token.body).name).toBe(asStored(value));
    expect((await admin.call('POST', '/api/tokens', { name: 'x', scope: value })).status).toBe(400);

    const subject = await admin.call('POST', '/api/subjects', { kind: 'supplier', name: `${value} ${tag}`, query: 'acme', attributes: { [value.slice(0, 60) || 'k']: value.slice(0, 200) } });
    expectClean(subject, 'subject');
    if (subject.status === 201) {
      const got = await admin.call('GET', `/api/subjects/${(subject.body as { id: number }).id}`);
      expect((got.body as { name: string }).name).toBe(asStored(`${value} ${tag}`));
    }
    expectClean(await admin.call('POST', '/api/subjects', { kind: 'product', name: `q ${tag}`, query: value }), 'subject query');
    expectClean(await admin.call('POST', '/api/subjects/preview', { query: value }), 'preview');
    expectClean(await admin.call('GET', `/api/subjects/${enc(value)}`), 'subject id');

    const label = await admin.call('PATCH', `/api/issues/${issueId}`, { label: value });
    expectClean(label, 'issue label');
    if (label.status === 200) expect((label.body as { label: string }).label).toBe(asStored(value));

    for (const param of ['q', 'subject', 'sentiment', 'source', 'lang', 'before', 'limit', 'range', '__proto__']) {
      expectClean(await admin.call('GET', `/api/mentions?${param}=${enc(value)}`), `mentions ${param}`);
    }
    expectClean(await admin.call('POST', '/api/ingest', { id: value, text: value, author: value, createdAt: value }), 'ingest');
    expectPrototypesClean();
  });

  test.each(hostileStrings)('$kind: as a case title, a case note and a supplier\'s acknowledgement', async ({ value }) => {
    const created = await admin.call('POST', '/api/cases', { postIds: [postId], title: value });
    expectClean(created, 'case title');
    if (created.status === 201) expect((created.body as { title: string }).title).toBe(asStored(value));
    const note = await admin.call('POST', `/api/cases/${supplierCaseId}/notes`, { text: value });
    expectClean(note, 'case note');
    if (note.status === 201) {
      const timeline = (note.body as { timeline: Array<{ type: string; details: { text?: string } }> }).timeline;
      expect(timeline.at(-1)).toMatchObject({ type: 'note', details: { text: asStored(value) } });
    }
    const ack = await supplier.call('POST', `/api/supplier/cases/${supplierCaseId}/acknowledge`, { message: value });
    expectClean(ack, 'acknowledgement');
    if (ack.status === 200) {
      const timeline = (ack.body as { timeline: Array<{ type: string; message: string | null }> }).timeline;
      expect(timeline.at(-1)).toMatchObject({ type: 'acknowledged', message: asStored(value) || null });
      // The note just added is internal: the supplier's answer never carries it.
      expect(ack.text).not.toContain('"note"');
    }
    expectClean(await supplier.call('GET', `/api/supplier/cases/${enc(value)}`), 'supplier case id');
    expectPrototypesClean();
  });

  test('after the whole corpus the tables are whole and the injected text is stored as text', async () => {
    const users = await db().db.selectFrom('users').select('email').execute();
    expect(users.length).toBeGreaterThan(5);
    expect(await db().db.selectFrom('subjects').select('id').execute()).not.toHaveLength(0);
    const stored = await db().db.selectFrom('subjects').select('name').where('name', 'like', "'; DROP TABLE users; --%").execute();
    expect(stored).toHaveLength(1);
  });

  // A key no schema knows is dropped (a PATCH of nothing is a no-op 200); nesting where a value is expected is a 4xx.
  test.each([
    { where: 'the whole body', body: deeplyNestedArray(100_000), refused: true },
    { where: 'a field', body: `{"kind":"company","name":${deeplyNestedArray(100_000)},"query":"x","label":${deeplyNestedArray(100_000)}}`, refused: true },
    { where: 'an unknown key', body: deeplyNestedObject(100_000), refused: false },
    { where: 'an attribute', body: `{"kind":"company","name":"n","query":"x","attributes":{"a":${deeplyNestedObject(50_000)}}}`, refused: false },
  ])('JSON nested 100k deep in $where never crashes a write route, and the server keeps serving', async ({ body, refused }) => {
    for (const [method, path] of [['POST', '/api/subjects'], ['PATCH', `/api/issues/${issueId}`], ['POST', '/api/users'], ['POST', '/api/tokens'], ['POST', '/api/ingest'], ['PUT', '/api/settings/alert-targets'], ['POST', '/api/session']] as const) {
      const r = await admin.call(method, path, body);
      expectClean(r, `${method} ${path}`);
      if (refused) expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
    }
    expect((await admin.call('GET', '/api/health')).status).toBe(200);
  });

  test.each([
    { path: '/api/subjects', size: 2 * 1024 * 1024 },
    { path: '/api/session', size: 64 * 1024 },
    { path: '/api/users', size: 64 * 1024 },
  ])('a $size-byte body to $path is refused with 413', async ({ path, size }) => {
    const r = await admin.call('POST', path, JSON.stringify({ name: 'x'.repeat(size) }));
    expectClean(r, path);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  test.each(pollutingBodies)('%s pollutes no prototype and grants nothing', async (body) => {
    for (const [method, path] of [['POST', '/api/subjects'], ['POST', '/api/users'], ['PATCH', `/api/issues/${issueId}`], ['POST', '/api/tokens']] as const) {
      expectClean(await admin.call(method, path, body), `${method} ${path}`);
    }
    const viewer = await makeUser(db(), 'viewer');
    const c = new Client(server.url);
    Object.assign(c, await sessionFor(db(), viewer.id));
    expect((await c.call('POST', '/api/users', `{"email":"p@example.test","name":"p","role":"viewer","__proto__":{"role":"admin"}}`)).status).toBe(403);
    expectPrototypesClean();
  });

  test('an attribute named __proto__ or constructor is stored as an ordinary key or refused, never merged into a prototype', async () => {
    const r = await admin.call('POST', '/api/subjects', '{"kind":"company","name":"proto keys","query":"acme","attributes":{"__proto__":"x","constructor":"y","prototype":"z"}}');
    expectClean(r, 'subject attributes');
    if (r.status === 201) expect(Object.getPrototypeOf((r.body as { attributes: object }).attributes)).toBe(Object.prototype);
    expectPrototypesClean();
  });

  test('bytes that are not UTF-8 never reach the database as garbage: they become U+FFFD or a 400', async () => {
    const body = invalidUtf8Body('{"kind":"company","name":"bytes ', ' here","query":"acme"}');
    const res = await fetch(`${server.url}/api/subjects`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie!, 'x-csrf-token': admin.csrfToken! }, body });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(500);
    if (res.status === 201) expect((JSON.parse(text) as { name: string }).name).toMatch(/^bytes \ufffd+ here$/);
    const login = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: invalidUtf8Body('{"email":"', '@example.test","password":"x"}') });
    expect([400, 401]).toContain(login.status);
    const query = await admin.call('GET', '/api/mentions?q=%ff%fe%80');
    expectClean(query, 'mentions bytes');
  });

  test.each(['/api/../../../etc/passwd', '/api/subjects/..%2f..%2f..%2fetc%2fpasswd', '/api/%2e%2e/%2e%2e/etc/passwd', '/api/subjects/%00'])('the raw path %s reaches no file and no route it should not', async (path) => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(server.url);
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers: { cookie: admin.cookie! } }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: data }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body).not.toMatch(/root:|\[fonts\]/);
  });

  test('a header injection attempt in a value never becomes a header', async () => {
    const r = await admin.call('GET', `/api/mentions?q=${encodeURIComponent('x\r\nSet-Cookie: earshot_session=evil')}`);
    expect(r.headers.get('set-cookie')).toBeNull();
  });
});

test('a full sign-in, token and webhook flow never writes the password or the token to the log', async () => {
  const database = await createTestDatabase('pglite');
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  try {
    const password = 'hunter2-but-much-longer-Zq9';
    const user = await makeUser(database, 'admin', { password });
    const app = await buildFullApp(database, { logStream: sink, logLevel: 'trace' });
    const s = await listenOnFreePort(app);
    const c = new Client(s.url);
    expect((await c.signIn(user.email, 'wrong-' + password)).status).toBe(401);
    expect((await c.signIn(user.email, password)).status).toBe(201);
    const { token } = tokenCreated.parse((await c.call('POST', '/api/tokens', { name: 'hook', scope: 'ingest' })).body);
    const hook = new Client(s.url);
    hook.bearer = token;
    await hook.call('POST', '/api/ingest', { id: 'n1', text: 'hello', author: 'a', createdAt: '2026-03-10T08:00:00Z' });
    await hook.call('GET', '/api/mentions');
    await c.call('PATCH', `/api/users/${user.id}`, { password: `${password}-new` });
    await c.call('DELETE', '/api/session');
    const bad = new Client(s.url);
    bad.bearer = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await bad.call('GET', '/api/subjects');
    await s.close();
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('/api/session');
    expect(log).not.toContain(password);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.slice(3));
    expect(log).not.toContain(bad.bearer);
    expect(log).not.toMatch(/earshot_session=[A-Za-z0-9_-]{20}/);
  } finally {
    await database.drop();
  }
});

test('an API token is rate-limited on its own: 429 with Retry-After, and its owner\'s browser session still works', async () => {
  const database = await createTestDatabase('pglite');
  try {
    const user = await makeUser(database, 'viewer');
    const app = await buildFullApp(database, { auth: { rateLimitPerMinute: 3 } });
    const s = await listenOnFreePort(app);
    const bot = new Client(s.url);
    bot.bearer = await tokenFor(database, user.id, 'read');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await bot.call('GET', '/api/subjects')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await bot.call('GET', '/api/subjects');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expectClean(limited, 'rate limited');
    const browser = new Client(s.url);
    Object.assign(browser, await sessionFor(database, user.id));
    expect((await browser.call('GET', '/api/subjects')).status).toBe(200);
    await s.close();
  } finally {
    await database.drop();
  }
});

test('hostile alert text reaches the mailbox as plain text: no HTML part, no header smuggled through the subject', async () => {
  const smtp = await startFakeSmtp();
  const mailer = new Mailer(smtp.url, 'earshot@example.test');
  try {
    const notifier = emailNotifier(mailer);
    for (const { kind, value } of hostileStrings) {
      const message: AlertMessage = {
        event: 'alert.opened',
        alert: { id: 1, kind: 'volume_spike', severity: 'critical', status: 'open', subject: value, issue: value, source: null, observed: 41, expected: 2.5, since: '2026-03-10T08:00:00Z', summary: value, topTerms: [value, 'x\r\nBcc: everyone@example.test'], distinctAuthors: 3, url: 'http://earshot.test/alerts?alert=1' },
      };
      await notifier.deliver({ id: 'mail', kind: 'email', name: 'Mail', enabled: true, minSeverity: 'info', to: ['quality@example.test'] }, message, new AbortController().signal);
      const raw = smtp.messages.at(-1)!.raw;
      const [head] = raw.split(/\r?\n\r?\n/);
      expect(head, kind).not.toMatch(/^(set-cookie|bcc|x-injected):/im);
      expect(head!.match(/^subject:/gim), kind).toHaveLength(1);
      expect(raw, kind).not.toMatch(/content-type: text\/html/i);
      expect(head, kind).toMatch(/content-type: text\/plain/i);
      expect(smtp.messages.at(-1)!.to, kind).toEqual(['quality@example.test']);
    }
    expect(smtp.messages).toHaveLength(hostileStrings.length);
  } finally {
    mailer.close();
    await smtp.close();
  }
});

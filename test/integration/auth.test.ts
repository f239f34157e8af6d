import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiToken, sessionResponse, tokenCreated, userCreated, auditList, passwordReset } from '../../shared/api/auth';
import { ensureFirstAdmin } from '../../server/auth/first-admin';
import { verifyPassword } from '../../server/auth/passwords';
import { hashToken } from '../../server/auth/tokens';
import { getUserByEmail } from '../../server/db/repositories/users.repository';
import { buildFullApp, Client, makeUser, sessionFor, tokenFor } from '../support/auth-app';
import { createTestDatabase, describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';

describeEachDatabase('accounts, sessions and tokens', (db) => {
  let server: { url: string; close(): Promise<void> };
  let t = Date.parse('2026-03-10T09:00:00Z');
  const advance = (ms: number) => (t += ms);
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    admin = await makeUser(db(), 'admin', { email: 'boss@example.test' });
    const app = await buildFullApp(db(), { now: () => new Date(t), auth: { throttle: { windowMs: 15 * 60_000, accountLimit: 3, ipLimit: 1000, baseLockMs: 60_000, maxLockMs: 15 * 60_000, maxKeys: 1000 } } });
    server = await listenOnFreePort(app);
  });
  afterAll(() => server?.close());

  const client = () => new Client(server.url);
  const signedIn = async (email = admin.email, password = admin.password) => {
    const c = client();
    expect((await c.signIn(email, password)).status).toBe(201);
    return c;
  };

  test('signing in sets an httpOnly, SameSite=Lax session cookie whose value the database stores only as a hash', async () => {
    const c = client();
    const r = await c.signIn('BOSS@example.test', admin.password);
    expect(r.status).toBe(201);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^earshot_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/);
    const value = c.cookie!.split('=')[1]!;
    const rows = await db().db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.map((s) => s.id_hash)).toContain(hashToken(value));
    expect(rows.map((s) => s.id_hash)).not.toContain(value);
    const me = sessionResponse.parse((await c.call('GET', '/api/session')).body);
    expect(me).toMatchObject({ via: 'session', user: { email: 'boss@example.test', role: 'admin' }, csrfToken: c.csrfToken });
  });

  test('behind an HTTPS proxy on loopback the cookie is also Secure', async () => {
    const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  test.each([
    { case: 'a wrong password', email: 'boss@example.test', password: 'not the password' },
    { case: 'an unknown e-mail', email: 'nobody@example.test', password: 'whatever whatever' },
  ])('$case gets the same 401 and is audited as a failed login', async ({ email, password }) => {
    const r = await client().signIn(email, password);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 'invalid_credentials', message: 'The e-mail address or the password is wrong.' } });
    const last = await db().db.selectFrom('audit_log').selectAll().where('action', '=', 'login.failed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last.details).toEqual({ email });
    expect(JSON.stringify(last)).not.toContain(password);
  });

  test('after too many failures the account is locked, even for the right password, for twice as long after each further failure', async () => {
    const victim = await makeUser(db(), 'viewer');
    for (let i = 0; i < 3; i++) expect((await client().signIn(victim.email, 'wrong password!')).status).toBe(401);
    const locked = await client().signIn(victim.email, victim.password);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    advance(61_000);
    expect((await client().signIn(victim.email, 'wrong password!')).status).toBe(401);
    expect((await client().signIn(victim.email, victim.password)).headers.get('retry-after')).toBe('120');
    advance(121_000);
    expect((await client().signIn(victim.email, victim.password)).status).toBe(201);
  });

  test('a cookie-authenticated write without the CSRF token is refused; with it, it goes through', async () => {
    const c = await signedIn();
    const without = await c.call('POST', '/api/tokens', { name: 'x', scope: 'read' }, { 'x-csrf-token': '' });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ error: { code: 'csrf_failed' } });
    const wrong = await c.call('POST', '/api/tokens', { name: 'x', scope: 'read' }, { 'x-csrf-token': 'A'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await c.call('POST', '/api/tokens', { name: 'x', scope: 'read' })).status).toBe(201);
  });

  test('a session idle longer than 8 hours ends, and its row is deleted', async () => {
    const c = await signedIn();
    advance(7 * 3_600_000);
    expect((await c.call('GET', '/api/session')).status).toBe(200);
    advance(8 * 3_600_000 + 1000);
    const r = await c.call('GET', '/api/session');
    expect(r.status).toBe(401);
    expect(r.headers.get('set-cookie')).toMatch(/^earshot_session=; .*Max-Age=0/);
  });

  test('a busy session still ends 7 days after sign-in', async () => {
    const c = await signedIn();
    const cookie = c.cookie;
    for (let hour = 6; hour < 7 * 24; hour += 6) {
      advance(6 * 3_600_000);
      expect((await c.call('GET', '/api/subjects')).status, `hour ${hour}`).toBe(200);
    }
    advance(6 * 3_600_000);
    c.cookie = cookie;
    expect((await c.call('GET', '/api/subjects')).status).toBe(401);
  });

  test('logout ends this session; logout everywhere ends all of them', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const c = await signedIn();
    expect((await a.call('DELETE', '/api/session')).status).toBe(204);
    expect((await a.call('GET', '/api/session')).status).toBe(401);
    expect((await b.call('GET', '/api/session')).status).toBe(200);
    const everywhere = await b.call('DELETE', '/api/sessions');
    expect(everywhere.status).toBe(200);
    expect((everywhere.body as { sessionsEnded: number }).sessionsEnded).toBeGreaterThanOrEqual(2);
    expect((await b.call('GET', '/api/session')).status).toBe(401);
    expect((await c.call('GET', '/api/session')).status).toBe(401);
  });

  test('an API token is shown once, stored hashed, limited by its scope, and dead once revoked', async () => {
    const analyst = await makeUser(db(), 'analyst');
    const c = await signedIn(analyst.email, analyst.password);
    const created = tokenCreated.parse((await c.call('POST', '/api/tokens', { name: 'grafana', scope: 'read' })).body);
    expect(created.token).toMatch(/^es_[A-Za-z0-9_-]{43}$/);
    const stored = await db().db.selectFrom('api_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashToken(created.token));
    const list = (await c.call('GET', '/api/tokens')).text;
    expect(list).not.toContain(created.token);
    expect(apiToken.array().parse((JSON.parse(list) as { tokens: unknown }).tokens).map((x) => x.name)).toContain('grafana');

    const bot = new Client(server.url);
    bot.bearer = created.token;
    expect((await bot.call('GET', '/api/subjects')).status).toBe(200);
    expect(sessionResponse.parse((await bot.call('GET', '/api/session')).body)).toMatchObject({ via: 'token', csrfToken: null });
    expect((await bot.call('POST', '/api/subjects', { kind: 'company', name: 'X', query: 'x' })).status).toBe(403);
    expect((await bot.call('POST', '/api/tokens', { name: 'more', scope: 'write' })).status).toBe(403);

    expect((await c.call('DELETE', `/api/tokens/${created.id}`)).status).toBe(204);
    expect((await bot.call('GET', '/api/subjects')).status).toBe(401);
  });

  test('a token records its use at most once a minute', async () => {
    const c = await signedIn();
    const { token, id } = tokenCreated.parse((await c.call('POST', '/api/tokens', { name: 'cron', scope: 'read' })).body);
    const bot = new Client(server.url);
    bot.bearer = token;
    const uses = async () => (await db().db.selectFrom('audit_log').select('id').where('action', '=', 'token.used').where('target_id', '=', String(id)).execute()).length;
    await bot.call('GET', '/api/subjects');
    const first = (await db().db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
    expect(first?.getTime()).toBe(t);
    advance(10_000);
    await bot.call('GET', '/api/subjects');
    expect(await uses()).toBe(1);
    advance(60_000);
    await bot.call('GET', '/api/subjects');
    expect(await uses()).toBe(2);
  });

  test.each(['Bearer es_nope', 'Bearer', 'Basic Zm9vOmJhcg==', `Bearer es_${'a'.repeat(43)}`])('the Authorization header "%s" is a 401, never a fallback to the cookie', async (header) => {
    const c = await signedIn();
    const r = await c.call('GET', '/api/subjects', undefined, { authorization: header });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 'invalid_token' } });
  });

  test('only admins create ingest tokens, and an ingest token can only ingest', async () => {
    const viewer = await makeUser(db(), 'viewer');
    const v = await signedIn(viewer.email, viewer.password);
    expect((await v.call('POST', '/api/tokens', { name: 'hook', scope: 'ingest' })).status).toBe(403);
    const a = await signedIn();
    const { token } = tokenCreated.parse((await a.call('POST', '/api/tokens', { name: 'hook', scope: 'ingest' })).body);
    const hook = new Client(server.url);
    hook.bearer = token;
    expect((await hook.call('GET', '/api/mentions')).status).toBe(403);
    const ingest = await hook.call('POST', '/api/ingest', { posts: [{ id: 'w1', text: 'hello from a webhook', createdAt: '2026-03-10T08:00:00Z', author: 'someone' }] });
    expect([200, 422]).toContain(ingest.status);
  });

  test('an admin creates a user with a generated password shown once; the user signs in with it', async () => {
    const a = await signedIn();
    const r = await a.call('POST', '/api/users', { email: 'New.Person@Example.test', name: 'New Person', role: 'responder' });
    expect(r.status).toBe(201);
    const created = userCreated.parse(r.body);
    expect(created).toMatchObject({ email: 'new.person@example.test', role: 'responder', disabled: false });
    expect(created.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await client().signIn('new.person@example.test', created.password!)).status).toBe(201);
    expect((await a.call('GET', '/api/users')).text).not.toContain('scrypt');
    expect((await a.call('POST', '/api/users', { email: 'new.person@example.test', name: 'Again', role: 'viewer' })).status).toBe(409);
  });

  test('a role change is audited and ends the user\'s sessions; disabling stops sign-in and tokens', async () => {
    const a = await signedIn();
    const u = await makeUser(db(), 'viewer');
    const uc = await signedIn(u.email, u.password);
    const { token } = tokenCreated.parse((await uc.call('POST', '/api/tokens', { name: 'mine', scope: 'read' })).body);
    expect((await a.call('PATCH', `/api/users/${u.id}`, { role: 'analyst' })).status).toBe(200);
    expect((await uc.call('GET', '/api/session')).status).toBe(401);
    const entry = await db().db.selectFrom('audit_log').selectAll().where('action', '=', 'user.role_changed').where('target_id', '=', String(u.id)).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_id: admin.id, details: { from: 'viewer', to: 'analyst' } });

    expect((await a.call('PATCH', `/api/users/${u.id}`, { disabled: true })).status).toBe(200);
    expect((await client().signIn(u.email, u.password)).status).toBe(401);
    const bot = new Client(server.url);
    bot.bearer = token;
    expect((await bot.call('GET', '/api/subjects')).status).toBe(401);
  });

  test('a new password set by an admin replaces the old one and ends the user\'s sessions', async () => {
    const a = await signedIn();
    const u = await makeUser(db(), 'viewer');
    const uc = await signedIn(u.email, u.password);
    expect((await a.call('PATCH', `/api/users/${u.id}`, { password: 'a brand new passphrase' })).status).toBe(200);
    expect((await uc.call('GET', '/api/session')).status).toBe(401);
    expect((await client().signIn(u.email, u.password)).status).toBe(401);
    expect(await verifyPassword('a brand new passphrase', (await getUserByEmail(db().db, u.email))!.password_hash)).toBe(true);
  });

  test('an admin\'s password reset generates a password shown once, ends the user\'s sessions, and is audited without it', async () => {
    const a = await signedIn();
    const u = await makeUser(db(), 'viewer');
    const uc = await signedIn(u.email, u.password);
    const r = await a.call('POST', `/api/users/${u.id}/password`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const { password } = passwordReset.parse(r.body);
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await uc.call('GET', '/api/session')).status).toBe(401);
    expect((await client().signIn(u.email, u.password)).status).toBe(401);
    expect((await client().signIn(u.email, password)).status).toBe(201);
    const log = auditList.parse((await a.call('GET', '/api/audit?action=user.password_changed&limit=500')).body);
    expect(log.entries.find((e) => e.targetId === String(u.id))?.details).toEqual({ via: 'reset' });
    expect(JSON.stringify(log)).not.toContain(password);
    // Nothing in the list or the user's record repeats it.
    expect((await a.call('GET', '/api/users')).text).not.toContain(password);
    expect((await a.call('POST', '/api/users/999999/password')).status).toBe(404);
  });

  test('the last active admin can be neither demoted nor disabled', async () => {
    const database = await createTestDatabase('pglite');
    try {
      const only = await makeUser(database, 'admin');
      const app = await buildFullApp(database);
      const s = await listenOnFreePort(app);
      const c = new Client(s.url);
      const { cookie, csrfToken } = await sessionFor(database, only.id);
      c.cookie = cookie;
      c.csrfToken = csrfToken;
      expect((await c.call('PATCH', `/api/users/${only.id}`, { role: 'viewer' })).body).toMatchObject({ error: { code: 'last_admin' } });
      expect((await c.call('PATCH', `/api/users/${only.id}`, { disabled: true })).status).toBe(409);
      await s.close();
    } finally {
      await database.drop();
    }
  });

  test('a supplier user must belong to a supplier subject', async () => {
    const a = await signedIn();
    expect((await a.call('POST', '/api/users', { email: 's1@example.test', name: 'S', role: 'supplier' })).status).toBe(400);
    expect((await a.call('POST', '/api/users', { email: 's1@example.test', name: 'S', role: 'supplier', supplierSubjectId: 999_999 })).status).toBe(400);
    const subject = await db().db.insertInto('subjects').values({ kind: 'supplier', name: `Kestrel ${t}`, query: 'kestrel' }).returning('id').executeTakeFirstOrThrow();
    expect((await a.call('POST', '/api/users', { email: 's1@example.test', name: 'S', role: 'supplier', supplierSubjectId: subject.id })).status).toBe(201);
  });

  test('admins read the audit log newest first, in pages, and it holds no secret', async () => {
    const a = await signedIn();
    const first = auditList.parse((await a.call('GET', '/api/audit?limit=5')).body);
    expect(first.entries).toHaveLength(5);
    expect(first.next).toBe(first.entries[4]!.id);
    const second = auditList.parse((await a.call('GET', `/api/audit?limit=5&before=${first.next}`)).body);
    expect(second.entries[0]!.id).toBeLessThan(first.entries[4]!.id);
    const logins = auditList.parse((await a.call('GET', '/api/audit?action=login&limit=500')).body);
    expect(logins.entries.every((e) => e.action === 'login')).toBe(true);
    const all = (await a.call('GET', '/api/audit?limit=500')).text;
    expect(all).not.toMatch(/es_[A-Za-z0-9_-]{43}/);
    expect(all).not.toContain(admin.password);
    expect(all).not.toContain('scrypt$');
  });
});

describeEachDatabase('the API rate limit', (db) => {
  test('past its budget a caller gets 429 with Retry-After; other callers are unaffected', async () => {
    const u = await makeUser(db(), 'viewer');
    const other = await makeUser(db(), 'viewer');
    const app = await buildFullApp(db(), { auth: { rateLimitPerMinute: 5 } });
    const s = await listenOnFreePort(app);
    try {
      const c = new Client(s.url);
      c.cookie = (await sessionFor(db(), u.id)).cookie;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await c.call('GET', '/api/subjects')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await c.call('GET', '/api/subjects');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
      const d = new Client(s.url);
      d.cookie = (await sessionFor(db(), other.id)).cookie;
      expect((await d.call('GET', '/api/subjects')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  test('a user\'s tokens share one owner budget, so minting more tokens does not multiply it; signed-out callers are limited per IP', async () => {
    const u = await makeUser(db(), 'viewer');
    const app = await buildFullApp(db(), { auth: { rateLimitPerMinute: 3 } });
    const s = await listenOnFreePort(app);
    try {
      let ok = 0;
      let limited = 0;
      // Six tokens of 3 requests each would be 18; the owner's budget is 4 x 3 = 12.
      for (let t = 0; t < 6; t++) {
        const c = new Client(s.url);
        c.bearer = await tokenFor(db(), u.id, 'read');
        for (let i = 0; i < 3; i++) {
          const status = (await c.call('GET', '/api/subjects')).status;
          if (status === 200) ok++;
          if (status === 429) limited++;
        }
      }
      expect({ ok, limited }).toEqual({ ok: 12, limited: 6 });
      // Anonymous and wrong-token calls come from one IP and share its budget.
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const c = new Client(s.url);
        if (i % 2) c.bearer = `es_${'x'.repeat(43)}`;
        statuses.push((await c.call('GET', '/api/subjects')).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await s.close();
    }
  });
});

describe('the first admin', () => {
  test('a fresh install gets one admin with a random password, once', async () => {
    const database = await createTestDatabase('pglite');
    try {
      const made = await ensureFirstAdmin(database.db, { admin: { email: null, password: null } });
      expect(made).toMatchObject({ email: 'admin@earshot.local', password: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
      const row = (await getUserByEmail(database.db, 'admin@earshot.local'))!;
      expect(row.role).toBe('admin');
      expect(await verifyPassword(made!.password!, row.password_hash)).toBe(true);
      expect(await ensureFirstAdmin(database.db, { admin: { email: null, password: null } })).toBeNull();
    } finally {
      await database.drop();
    }
  });

  test('EARSHOT_ADMIN_EMAIL and EARSHOT_ADMIN_PASSWORD name the first admin, and nothing is printed', async () => {
    const database = await createTestDatabase('pglite');
    try {
      const made = await ensureFirstAdmin(database.db, { admin: { email: 'Ops@Example.test', password: 'a long configured password' } });
      expect(made).toEqual({ email: 'ops@example.test', password: null });
      expect(await verifyPassword('a long configured password', (await getUserByEmail(database.db, 'ops@example.test'))!.password_hash)).toBe(true);
    } finally {
      await database.drop();
    }
  });
});

describeEachDatabase('session housekeeping', (db) => {
  test('a sign-in sweeps away sessions that have ended, and only those', async () => {
    const u = await makeUser(db(), 'viewer');
    const now = new Date('2026-03-10T12:00:00Z');
    await sessionFor(db(), u.id, new Date(now.getTime() - 9 * 3_600_000));
    await sessionFor(db(), u.id, new Date(now.getTime() - 3_600_000));
    const app = await buildFullApp(db(), { now: () => now });
    const s = await listenOnFreePort(app);
    try {
      expect((await new Client(s.url).signIn(u.email, u.password)).status).toBe(201);
      const left = await db().db.selectFrom('sessions').select('last_seen_at').where('user_id', '=', u.id).execute();
      expect(left.map((r) => r.last_seen_at.getTime()).sort()).toEqual([now.getTime() - 3_600_000, now.getTime()]);
    } finally {
      await s.close();
    }
  });
});

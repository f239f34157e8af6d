/**
 * The whole API behind the auth gate, as main.ts builds it, for the auth, permissions and hardening
 * tests; plus users made straight in the database and a small client that keeps a session cookie
 * and sends the CSRF token the way the dashboard does.
 */
import type { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Clock } from '../../server/clock';
import type { Role } from '../../server/db/tables';
import { hashPassword } from '../../server/auth/passwords';
import { hashToken, newApiToken } from '../../server/auth/tokens';
import { insertToken } from '../../server/db/repositories/tokens.repository';
import { insertUser } from '../../server/db/repositories/users.repository';
import { createApp } from '../../server/http/app';
import { apiRouters } from '../../server/http/routers';
import { deriveSecretKey, secretBox } from '../../server/auth/secrets';
import type { AuthOptions } from '../../server/http/auth';
import { startSession } from '../../server/http/auth/sessions';
import { createLogger } from '../../server/logger';
import { Engines } from '../../server/pipeline/engines';
import { EventHub } from '../../server/pipeline/events';
import { SourceRunner } from '../../server/pipeline/runner';
import { SourceManager } from '../../server/services/sources.service';
import type { SourceKinds } from '../../server/sources/registry';
import type { TestDatabase } from './databases';

export const clock: Clock = { now: () => new Date('2026-03-10T12:30:00Z'), sleep: async () => {} };

/** Cheap scrypt parameters: tests make many users; the real cost is tested in the password tests. */
export const fastHash = (password: string) => hashPassword(password, { N: 1024, r: 8, p: 1 });

export async function buildFullApp(database: TestDatabase, options: { auth?: Partial<AuthOptions>; now?: () => Date; logStream?: Writable; logLevel?: string; sourceKinds?: SourceKinds } = {}): Promise<Express> {
  const logger = createLogger(options.logLevel ?? 'silent', options.logStream);
  const engines = new Engines(database.db, logger);
  await engines.reload();
  const events = new EventHub();
  const secrets = secretBox(deriveSecretKey('auth-app test key material, 32+ characters long'));
  const runner = new SourceRunner({ db: database.db, analyzer: () => engines.analyzer, clock, logger, events });
  const sourceDeps = { clock, logger, subjects: async () => [] };
  const sources = new SourceManager({ db: database.db, secrets, runner, sourceDeps, logger }, options.sourceKinds);
  return createApp({
    database,
    logger,
    version: 'test',
    sourceHealth: () => runner.health(),
    webDir: null,
    auth: { database, now: options.now, options: options.auth },
    routers: apiRouters({ database, clock, events, engines, secrets, sources, heartbeatMs: 60_000 }),
  });
}

let userSeq = 0;
export async function makeUser(database: TestDatabase, role: Role, over: { email?: string; password?: string; supplierSubjectId?: number | null } = {}) {
  const email = over.email ?? `${role}-${++userSeq}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = over.password ?? 'correct horse battery staple';
  const user = await insertUser(database.db, { email, name: `${role} ${userSeq}`, role, passwordHash: await fastHash(password), supplierSubjectId: over.supplierSubjectId ?? null });
  return { ...user, password };
}

/** A session made straight in the database: what a sign-in yields, without paying for scrypt. */
export async function sessionFor(database: TestDatabase, userId: number, now = new Date()) {
  const s = await startSession(database.db, userId, now, 7 * 86_400_000, { ip: null, userAgent: null });
  return { cookie: `earshot_session=${s.id}`, csrfToken: s.csrfToken };
}

export async function tokenFor(database: TestDatabase, userId: number, scope: string): Promise<string> {
  const token = newApiToken();
  await insertToken(database.db, { userId, name: `test ${scope}`, scope, tokenHash: hashToken(token), now: new Date() });
  return token;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A browser-like client: keeps the session cookie, sends x-csrf-token on writes once it has one. */
export class Client {
  cookie: string | null = null;
  csrfToken: string | null = null;
  bearer: string | null = null;

  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && method !== 'GET') h['x-csrf-token'] ??= this.csrfToken;
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) h['content-type'] ??= 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('earshot_session=')) {
      const value = setCookie.slice('earshot_session='.length).split(';')[0]!;
      this.cookie = value ? `earshot_session=${value}` : null;
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async signIn(email: string, password: string): Promise<Reply> {
    const r = await this.call('POST', '/api/session', { email, password });
    if (r.status === 201) this.csrfToken = (r.body as { csrfToken: string }).csrfToken;
    return r;
  }
}

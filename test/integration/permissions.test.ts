/**
 * Every registered API route against the permission table: found by walking express's router stack
 * of the app built with ALL routers, so a route added tomorrow is checked tomorrow without editing
 * this file. Anonymous callers get 401, each role exactly what the table allows, and a route with
 * no entry fails the test (and answers 403 in production).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Role, TokenScope } from '../../shared/api/auth';
import { roles, tokenScopes } from '../../shared/api/auth';
import { decide, findRule, permissions } from '../../server/http/auth/permissions';
import { listRoutes, type RegisteredRoute } from '../../server/http/auth/route-list';
import { buildFullApp, makeUser, sessionFor, tokenFor } from '../support/auth-app';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';

let database: TestDatabase;
let server: { url: string; close(): Promise<void> };
let routes: RegisteredRoute[];
const users = new Map<Role, number>();

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  const supplier = await database.db.insertInto('subjects').values({ kind: 'supplier', name: 'Kestrel', query: 'kestrel' }).returning('id').executeTakeFirstOrThrow();
  for (const role of roles) users.set(role, (await makeUser(database, role, { supplierSubjectId: role === 'supplier' ? supplier.id : null })).id);
  const app = await buildFullApp(database);
  routes = listRoutes(app);
  server = await listenOnFreePort(app);
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

const apiRoutes = () => routes.filter((r) => !r.matches && r.path.startsWith('/api/'));
const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, '999999');
const isPublic = (r: RegisteredRoute) => findRule(r.method, r.path)?.rule.roles === 'public';

async function call(route: RegisteredRoute, headers: Record<string, string>): Promise<number> {
  const controller = new AbortController();
  const write = route.method !== 'GET';
  const res = await fetch(`${server.url}${concrete(route.path)}`, {
    method: route.method,
    headers: { accept: 'application/json', ...(write ? { 'content-type': 'application/json' } : {}), ...headers },
    body: write ? '{}' : undefined,
    signal: controller.signal,
  });
  // The event stream never ends by itself: its status is all this test needs.
  controller.abort();
  return res.status;
}

async function asRole(role: Role): Promise<Record<string, string>> {
  const s = await sessionFor(database, users.get(role)!);
  return { cookie: s.cookie, 'x-csrf-token': s.csrfToken };
}

test('the router walk finds the routes of every router, with their full /api paths', () => {
  const keys = apiRoutes().map((r) => `${r.method} ${r.path}`);
  expect(keys).toEqual(expect.arrayContaining(['GET /api/health', 'POST /api/session', 'GET /api/subjects/:id', 'POST /api/cases/:id/notes', 'PUT /api/settings/alert-targets', 'GET /api/events']));
  expect(keys.length).toBeGreaterThanOrEqual(40);
});

test('every registered API route has an entry in the permission table, and every entry a route', () => {
  const registered = new Set(apiRoutes().map((r) => `${r.method} ${r.path}`));
  expect([...registered].filter((k) => !(k in permissions))).toEqual([]);
  expect(Object.keys(permissions).filter((k) => !registered.has(k))).toEqual([]);
  // A RegExp route (the dashboard's fallback) must not answer under /api, where the table cannot see it.
  expect(routes.filter((r) => r.matches?.('/api/anything'))).toEqual([]);
});

test('anonymous callers get 401 on every route but the health check and sign-in', async () => {
  const got: Record<string, number> = {};
  const want: Record<string, number | 'not 401/403'> = {};
  for (const r of apiRoutes()) {
    const key = `${r.method} ${r.path}`;
    const status = await call(r, {});
    got[key] = isPublic(r) && status !== 401 && status !== 403 ? -1 : status;
    want[key] = isPublic(r) ? -1 : 401;
  }
  expect(got).toEqual(want);
});

test.each(roles.map((role) => ({ role })))('a $role gets exactly what the table allows on every route', async ({ role }) => {
  const got: Record<string, string> = {};
  const want: Record<string, string> = {};
  for (const r of apiRoutes()) {
    const key = `${r.method} ${r.path}`;
    // A fresh session per call: DELETE /api/sessions (logout everywhere) is one of the routes.
    const status = await call(r, await asRole(role));
    const allowed = decide(r.method, r.path, { role, scope: null }) === 'allow';
    want[key] = allowed ? 'allowed' : 'forbidden';
    got[key] = status === 403 ? 'forbidden' : status === 401 ? 'unauthenticated' : status >= 500 ? `server error ${status}` : 'allowed';
  }
  expect(got).toEqual(want);
});

test.each(tokenScopes.map((scope) => ({ scope })))('an admin\'s token with scope $scope reaches only the routes its scope lists', async ({ scope }) => {
  const token = await tokenFor(database, users.get('admin')!, scope);
  const got: Record<string, string> = {};
  const want: Record<string, string> = {};
  for (const r of apiRoutes()) {
    const key = `${r.method} ${r.path}`;
    const status = await call(r, { authorization: `Bearer ${token}` });
    const allowed = decide(r.method, r.path, { role: 'admin', scope: scope as TokenScope }) === 'allow';
    want[key] = allowed ? 'allowed' : 'forbidden';
    got[key] = status === 403 ? 'forbidden' : status === 401 ? 'unauthenticated' : status >= 500 ? `server error ${status}` : 'allowed';
  }
  expect(got).toEqual(want);
});

// The matrix in words, so a careless edit of the table is caught by a second statement of it.
test.each([
  { role: 'viewer', route: 'GET /api/mentions', allowed: true },
  { role: 'viewer', route: 'POST /api/subjects', allowed: false },
  { role: 'viewer', route: 'PATCH /api/alerts/:id', allowed: false },
  { role: 'analyst', route: 'PATCH /api/issues/:id', allowed: true },
  { role: 'analyst', route: 'POST /api/posts/:id/label', allowed: true },
  { role: 'analyst', route: 'POST /api/cases', allowed: false },
  { role: 'analyst', route: 'GET /api/users', allowed: false },
  { role: 'responder', route: 'POST /api/cases/:id/notes', allowed: true },
  { role: 'responder', route: 'DELETE /api/subjects/:id', allowed: false },
  { role: 'approver', route: 'GET /api/cases/:id', allowed: true },
  { role: 'approver', route: 'PATCH /api/cases/:id', allowed: false },
  { role: 'supplier', route: 'GET /api/mentions', allowed: false },
  { role: 'supplier', route: 'GET /api/cases', allowed: false },
  { role: 'supplier', route: 'GET /api/session', allowed: true },
  { role: 'supplier', route: 'GET /api/supplier/cases/:id', allowed: true },
  { role: 'supplier', route: 'POST /api/supplier/cases/:id/acknowledge', allowed: true },
  { role: 'admin', route: 'GET /api/supplier/cases', allowed: false },
  { role: 'viewer', route: 'DELETE /api/users/:id/sessions', allowed: false },
  { role: 'admin', route: 'PUT /api/settings/alert-targets', allowed: true },
  { role: 'admin', route: 'GET /api/audit', allowed: true },
  { role: 'admin', route: 'GET /api/no-such-route', allowed: false },
] as const)('$role on $route: allowed $allowed', ({ role, route, allowed }) => {
  const [method, path] = route.split(' ') as [string, string];
  expect(decide(method, path, { role, scope: null }) === 'allow').toBe(allowed);
});

test('matching follows express: case-insensitive, optional trailing slash, literal segments before parameters', () => {
  expect(findRule('GET', '/api/Cases/Metrics/')?.key).toBe('GET /api/cases/metrics');
  expect(findRule('GET', '/api/cases/12')?.key).toBe('GET /api/cases/:id');
  expect(findRule('HEAD', '/api/subjects')?.key).toBe('GET /api/subjects');
  expect(findRule('GET', '/api/cases/12/extra')).toBeNull();
  expect(findRule('OPTIONS', '/api/subjects')).toBeNull();
});

test('a route no table entry names answers 403 even to an admin', async () => {
  const headers = await asRole('admin');
  const res = await fetch(`${server.url}/api/no-such-route`, { headers });
  expect(res.status).toBe(403);
});

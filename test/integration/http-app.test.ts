import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router } from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { healthResponse } from '../../shared/api/health';
import { apiError } from '../../shared/api/errors';
import { AppError } from '../../server/http/errors';
import { createApp } from '../../server/http/app';
import { createLogger } from '../../server/logger';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';

describeEachDatabase('the HTTP app', (db) => {
  let server: { url: string; close(): Promise<void> };
  const logs: string[] = [];
  beforeAll(async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'earshot-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>shell</title>');
    const probe = Router();
    probe.post('/probe', (req, res) => {
      const body = z.object({ n: z.number() }).parse(req.body);
      res.json({ n: body.n });
    });
    probe.get('/teapot', () => {
      throw new AppError(418, 'teapot', 'I am a teapot');
    });
    probe.get('/boom', () => {
      throw new Error('select secret from users -- internal detail');
    });
    const logger = createLogger('info', { write: (line: string) => logs.push(line) } as unknown as NodeJS.WritableStream);
    const app = createApp({ database: db(), logger, version: '9.9.9', sourceHealth: () => [], webDir, routers: [probe] });
    server = await listenOnFreePort(app);
  });
  afterAll(() => server.close());

  test('GET /api/health says the database is reachable and migrated', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = healthResponse.parse(await res.json());
    expect(body.status).toBe('ok');
    expect(body.version).toBe('9.9.9');
    expect(body.database).toMatchObject({ reachable: true, migrationsCurrent: true, pendingMigrations: [] });
  });

  test('a request body that fails its schema gets a 400 naming the field', async () => {
    const res = await fetch(`${server.url}/api/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":"x"}' });
    expect(res.status).toBe(400);
    const body = apiError.parse(await res.json());
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('n:');
  });

  test.each([
    { what: 'malformed JSON', body: '{"n":', status: 400, code: 'invalid_body' },
    { what: 'a body over the size limit', body: JSON.stringify({ n: 1, pad: 'x'.repeat(1_100_000) }), status: 413, code: 'payload_too_large' },
  ])('$what gets a clear $status', async ({ body, status, code }) => {
    const res = await fetch(`${server.url}/api/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(status);
    expect(apiError.parse(await res.json()).error.code).toBe(code);
  });

  test('a known error keeps its status and code', async () => {
    const res = await fetch(`${server.url}/api/teapot`);
    expect(res.status).toBe(418);
    expect(apiError.parse(await res.json()).error).toMatchObject({ code: 'teapot', message: 'I am a teapot' });
  });

  test('an unexpected error is a 500 with a request id and no internals, and is logged', async () => {
    const res = await fetch(`${server.url}/api/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret');
    const body = apiError.parse(JSON.parse(text));
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    expect(logs.some((l) => l.includes(body.error.requestId) && l.includes('request failed'))).toBe(true);
  });

  test('unknown API paths are JSON 404s, other paths fall back to the dashboard', async () => {
    const api = await fetch(`${server.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(apiError.parse(await api.json()).error.code).toBe('not_found');
    const page = await fetch(`${server.url}/issues/42?range=7d`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>shell</title>');
  });

  test('every response carries a CSP without inline script, and nosniff', async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

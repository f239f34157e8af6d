/**
 * `X_BEARER_TOKEN` (and `X_API_BASE`) in the environment start an X source with no setup in the
 * dashboard: the real `earshot serve` process, against the local fake X API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startFakeXApi, type FakeXApi } from '../fakes/x-api.fake';
import { signedInFetch, startServerProcess, TEST_ADMIN, type ServerProcess } from '../support/server-process';

let fake: FakeXApi | null = null;
let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

test('an X bearer token in the environment runs X recent search for every subject, and the token is never logged', async () => {
  const token = 'env-bearer-token-3b7c1e9a';
  fake = await startFakeXApi({ requireBearer: token });
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-xenv-'));
  const env = { EARSHOT_DATA_DIR: dataDir, EARSHOT_DEMO: 'off', X_BEARER_TOKEN: token, X_API_BASE: fake.origin, LOG_LEVEL: 'debug', ...TEST_ADMIN };
  // First run: a subject is created (searching starts from the next run's first pull).
  server = await startServerProcess(env);
  const api = await signedInFetch(server.url);
  const created = await api('/api/subjects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'supplier', name: 'Kestrel Plastics', query: 'kestrel housing' }) });
  expect(created.status).toBe(201);
  await server.stop();
  const firstOutput = server.output();

  fake.addPosts({ text: 'kestrel housing cracked again, batch 42', author: 'ann' }, { text: 'lovely weather', author: 'bob' }, { text: 'Kestrel HOUSING arrived broken', author: 'cy' });
  server = await startServerProcess(env);
  const api2 = await signedInFetch(server.url);
  let texts: string[] = [];
  for (let i = 0; i < 100 && texts.length < 2; i++) {
    const body = (await (await api2('/api/mentions?source=x:env')).json()) as { posts: Array<{ text: string }> };
    texts = body.posts.map((p) => p.text).sort();
    if (texts.length < 2) await new Promise((r) => setTimeout(r, 200));
  }
  expect(texts).toEqual(['Kestrel HOUSING arrived broken', 'kestrel housing cracked again, batch 42']);
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as { sources: Array<{ id: string; status: string }> };
  expect(health.sources.find((s) => s.id === 'x:env')?.status).toBe('connected');
  expect(fake.count('search')).toBeGreaterThanOrEqual(1);
  await server.stop();
  expect(firstOutput + server.output()).not.toContain(token);
}, 120_000);

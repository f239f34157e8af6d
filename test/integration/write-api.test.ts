import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ingestResponse } from '../../shared/api/ingest';
import { queryPreviewResponse, subject, subjectList } from '../../shared/api/subjects';
import { deriveSecretKey, secretBox } from '../../server/auth/secrets';
import type { Clock } from '../../server/clock';
import { loadTargets } from '../../server/db/repositories/deliveries.repository';
import { createApp } from '../../server/http/app';
import { ingestRoutes } from '../../server/http/routes/ingest.routes';
import { settingsRoutes } from '../../server/http/routes/settings.routes';
import { subjectsRoutes } from '../../server/http/routes/subjects.routes';
import { createLogger } from '../../server/logger';
import { Engines } from '../../server/pipeline/engines';
import { EventHub } from '../../server/pipeline/events';
import { describeEachDatabase } from '../support/databases';
import { repoRoot } from '../support/env';
import { listenOnFreePort } from '../support/http';

describeEachDatabase('subjects, the webhook and alert targets', (db) => {
  const clock: Clock = { now: () => new Date('2026-07-01T12:00:00Z'), sleep: async () => {} };
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    const engines = new Engines(db().db, createLogger('silent'));
    await engines.reload();
    const routers = [subjectsRoutes({ database: db(), engines }), ingestRoutes({ database: db(), analyzer: () => engines.analyzer, clock, events: new EventHub() }), settingsRoutes({ database: db(), secrets: secretBox(deriveSecretKey('write-api test key material, 32+ characters long')) })];
    server = await listenOnFreePort(createApp({ database: db(), logger: createLogger('silent'), version: 't', sourceHealth: () => [], webDir: null, routers }));
  });
  afterAll(() => server?.close());
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
  };

  test('a subject with a bad query is refused with the position of the error', async () => {
    const r = await call('POST', '/subjects', { kind: 'supplier', name: 'Kestrel', query: 'kestrel AND (housing OR' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'invalid_query', details: { position: expect.any(Number) } } });
  });

  test('subjects are created, matched by the webhook ingest at once, edited and archived', async () => {
    const created = subject.parse((await call('POST', '/subjects', { kind: 'supplier', name: 'Kestrel Plastics', query: '"Kestrel Plastics" OR (kestrel AND housing)', attributes: { tier: '1', region: 'EMEA' } })).body);
    expect((await call('POST', '/subjects', { kind: 'supplier', name: 'Kestrel Plastics', query: 'x' })).status).toBe(409);
    const ingest = await call('POST', '/ingest', {
      posts: [
        { id: 'w1', text: 'Kestrel housing cracked again, batch 42', createdAt: '2026-07-01T11:00:00Z', author: { id: 'u1', handle: 'ann' } },
        { id: 'w2', text: 'no createdAt here', author: 'bob' },
        null,
        { id: 'w1', text: 'Kestrel housing cracked again, batch 42', createdAt: '2026-07-01T11:00:00Z', author: { id: 'u1', handle: 'ann' } },
      ],
    });
    expect(ingest.status).toBe(200);
    const r = ingestResponse.parse(ingest.body);
    expect(r).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2]);
    expect(r.rejected[0]!.errors.join()).toMatch(/createdAt/);
    const stored = await db().db.selectFrom('posts').select(['sentiment_label', 'refs']).where('native_id', '=', 'w1').executeTakeFirstOrThrow();
    expect(stored.sentiment_label).toBe('negative');
    expect(stored.refs).toEqual([{ type: 'lot', value: '42' }]);
    const links = await db().db.selectFrom('post_subjects').select('subject_id').execute();
    expect(links.map((l) => l.subject_id)).toEqual([created.id]);

    const preview = queryPreviewResponse.parse((await call('POST', '/subjects/preview', { query: 'kestrel AND batch' })).body);
    expect(preview).toMatchObject({ ok: true, matched: 1 });
    expect(preview.posts[0]!.spans.length).toBeGreaterThan(0);
    const broken = queryPreviewResponse.parse((await call('POST', '/subjects/preview', { query: '"unclosed' })).body);
    expect(broken).toMatchObject({ ok: false, error: { position: 0 } });

    expect(subject.parse((await call('PATCH', `/subjects/${created.id}`, { sensitivity: 'high' })).body).sensitivity).toBe('high');
    expect((await call('DELETE', `/subjects/${created.id}`)).status).toBe(204);
    expect(subjectList.parse((await call('GET', '/subjects')).body).subjects).toEqual([]);
  });

  test('a webhook batch with nothing valid is a 422 with every reason', async () => {
    const r = await call('POST', '/ingest', { posts: [{ text: 'x' }, 42] });
    expect(r.status).toBe(422);
    expect(ingestResponse.parse(r.body).rejected).toHaveLength(2);
  });

  test('alert targets keep their secret write-only and refuse incomplete targets', async () => {
    const put = await call('PUT', '/settings/alert-targets', { targets: [{ id: 'ops', kind: 'webhook', name: 'Ops', url: 'https://hooks.example/x', secret: 'sixteen-chars-secret' }] });
    expect(put.status).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain('sixteen-chars-secret');
    expect(put.body).toMatchObject({ targets: [{ id: 'ops', hasSecret: true }] });
    // Stored sealed, never as the plain secret.
    const stored = await loadTargets(db().db);
    expect(stored[0]!.secret).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain('sixteen-chars-secret');
    const again = await call('PUT', '/settings/alert-targets', { targets: [{ id: 'ops', kind: 'webhook', name: 'Ops renamed', url: 'https://hooks.example/x' }] });
    expect(again.body).toMatchObject({ targets: [{ name: 'Ops renamed', hasSecret: true }] });
    expect((await call('PUT', '/settings/alert-targets', { targets: [{ id: 'mail', kind: 'email', name: 'Mail' }] })).status).toBe(400);
  });
});

const run = promisify(execFile);

test('earshot import streams a CSV with a column mapping, reports rejects with reasons and resumes without doubling', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-import-'));
  const file = join(dir, 'export.csv');
  const rows = ['tweet_id,body,date,user', ...Array.from({ length: 2500 }, (_, i) => `${i},"acme parcel ${i} late, again",2026-03-01 10:${String(i % 60).padStart(2, '0')}:00,user${i % 40}`), 'bad,,not a date,x'];
  writeFileSync(file, rows.join('\n'));
  const env = { ...process.env, EARSHOT_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
  const first = await run('node', ['server/bin.js', 'import', file, '--map', 'text=body'], { cwd: repoRoot, env });
  expect(first.stdout).toMatch(/Imported 2500 posts .* 0 already stored, 1 rejected/);
  const rejects = readFileSync(`${file}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; reasons: string[] });
  expect(rejects).toHaveLength(1);
  expect(rejects[0]!.line).toBe(2501);
  expect(rejects[0]!.reasons.join()).toMatch(/text|createdAt/);
  const again = await run('node', ['server/bin.js', 'import', file, '--map', 'text=body', '--restart'], { cwd: repoRoot, env });
  expect(again.stdout).toMatch(/Imported 0 posts .* 2500 already stored/);
}, 120_000);

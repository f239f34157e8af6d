import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { openDatabase } from '../../server/db/database';
import { iterateScenarioPosts } from '../../server/sources/demo/scenario';
import { repoRoot } from '../support/env';
import { prng } from '../bench/support';

/** Runs `earshot import` on a data dir; kills it with SIGKILL after `killAfterMs` if given. */
function runImport(dataDir: string, file: string, killAfterMs?: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['server/bin.js', 'import', file], { cwd: repoRoot, env: { ...process.env, EARSHOT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve(code);
    });
  });
}

async function storeSummary(dataDir: string) {
  const h = await openDatabase({ url: null, dataDir });
  try {
    const r = await sql<Record<string, number>>`select
      (select count(*)::int from posts) as posts,
      (select count(distinct native_id)::int from posts) as distinct_posts,
      (select count(*)::int from post_subjects) as links,
      (select coalesce(sum(posts), 0)::int from rollups) as rollup_posts,
      (select coalesce(sum(negative), 0)::int from rollups) as rollup_negative,
      (select coalesce(sum(authors), 0)::int from rollups) as rollup_authors,
      (select count(*)::int from derive_queue) as queued`.execute(h.db);
    return r.rows[0]!;
  } finally {
    await h.close();
  }
}

test('killing an import with SIGKILL at random points and running it again ends with the same store as one clean run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-crash-'));
  const file = join(dir, 'posts.jsonl');
  const lines: string[] = [];
  for (const { post } of iterateScenarioPosts({ seed: 21, start: new Date('2026-02-01T00:00:00Z'), days: Infinity, postsPerDay: 6000 })) {
    lines.push(JSON.stringify({ id: post.nativeId, text: post.text, createdAt: post.createdAt.toISOString(), author: { id: post.author.id, handle: post.author.handle }, lang: post.lang, kind: post.kind, repostOfId: post.repostOfNativeId }));
    if (lines.length >= 6000) break;
  }
  writeFileSync(file, lines.join('\n'));

  // Demo subjects are created by the server on an empty database; import alone has none, so add them
  // the same way in both stores before importing.
  const prepare = async (dataDir: string) => {
    const h = await openDatabase({ url: null, dataDir });
    const { migrateToLatest } = await import('../../server/db/migrate');
    const { insertSubject } = await import('../../server/db/repositories/subjects.repository');
    const { DEMO_SUBJECTS } = await import('../../server/sources/demo/vocabulary');
    await migrateToLatest(h.db);
    for (const s of DEMO_SUBJECTS) await insertSubject(h.db, { kind: s.kind, name: s.name, query: s.query });
    await h.close();
  };

  const clean = join(dir, 'clean');
  await prepare(clean);
  const started = performance.now();
  expect(await runImport(clean, file)).toBe(0);
  // Kill points are fractions of a clean run on this machine, so they land mid-import anywhere.
  const cleanMs = performance.now() - started;

  // A run that finishes before its kill point (the machine got faster, or less busy) proves nothing:
  // its duration becomes the new estimate, and the crashed store starts over, until 3 runs were killed.
  let crashed = join(dir, 'crashed-0');
  await prepare(crashed);
  const random = prng(99);
  let kills = 0;
  let estimateMs = cleanMs;
  for (let attempt = 1; kills < 3 && attempt <= 12; attempt++) {
    const t0 = performance.now();
    const code = await runImport(crashed, file, Math.floor(estimateMs * (0.25 + 0.5 * random())));
    if (code === null) {
      kills++;
      continue;
    }
    expect(code).toBe(0);
    estimateMs = performance.now() - t0;
    kills = 0;
    crashed = join(dir, `crashed-${attempt}`);
    await prepare(crashed);
  }
  expect(await runImport(crashed, file)).toBe(0);

  const [a, b] = [await storeSummary(clean), await storeSummary(crashed)];
  expect(a.posts).toBe(6000);
  expect(b).toEqual(a);
  expect(b.posts).toBe(b.distinct_posts);
  // The store compared was really interrupted, three times, for this test to mean anything.
  expect(kills).toBe(3);
}, 240_000);

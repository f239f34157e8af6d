/**
 * End-to-end ingest: demo generator -> analysis (subjects, sentiment, references, dedupe) -> one
 * transaction per batch of MAX_BATCH (posts, links, rollups, author sketches, derive queue, cursor),
 * the analysis of each batch overlapping the write of the one before,
 * on PostgreSQL and on PGlite; and a raw COPY of the same rows into PostgreSQL as the reference.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase, type DatabaseHandle } from '../../server/db/database';
import { migrateToLatest } from '../../server/db/migrate';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import { Engines } from '../../server/pipeline/engines';
import { ingestBatches, MAX_BATCH } from '../../server/pipeline/ingest';
import { iterateScenarioPosts } from '../../server/sources/demo/scenario';
import { DEMO_SUBJECTS } from '../../server/sources/demo/vocabulary';
import type { NormalizedPost } from '../../server/sources/source';
import { report, type BenchOptions } from './report';
import { freshPostgres } from './support';

function posts(n: number): NormalizedPost[] {
  const out: NormalizedPost[] = [];
  for (const p of iterateScenarioPosts({ seed: 11, start: new Date('2026-01-01T00:00:00Z'), days: Infinity, postsPerDay: 20_000 })) {
    out.push(p.post);
    if (out.length >= n) break;
  }
  return out;
}

/** CPU time (ms) the PostgreSQL backends of this database have used, when they run on this machine. */
async function backendCpuMs(database: DatabaseHandle): Promise<number | null> {
  if (database.kind !== 'postgres') return null;
  const pids = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
  let ticks = 0;
  for (const { pid } of pids.rows) {
    try {
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  return ticks * 10;
}

interface IngestRun {
  postsPerS: number;
  /** Node's CPU per 20,000 posts (analysis and the write's encoding; with PGlite, the database too). */
  nodeCpuMsPer20k: number;
  /** The PostgreSQL backends' CPU per 20,000 posts, when they run on this machine. */
  backendCpuMsPer20k: number | null;
}

async function ingestAll(database: DatabaseHandle, all: NormalizedPost[]): Promise<IngestRun> {
  for (const s of DEMO_SUBJECTS) await insertSubject(database.db, { kind: s.kind, name: s.name, query: s.query, attributes: s.attributes });
  const engines = new Engines(database.db, createLogger('silent'));
  await engines.reload();
  function* batches() {
    for (let i = 0; i < all.length; i += MAX_BATCH) yield { posts: all.slice(i, i + MAX_BATCH), cursor: { index: i + MAX_BATCH } };
  }
  // Open the pool's connections first, so the backends counted are the ones that do the work.
  await Promise.all(Array.from({ length: 4 }, () => sql`select 1`.execute(database.db)));
  const backend0 = await backendCpuMs(database);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // As the pipeline stores a source's batches: batch N+1 is analysed while batch N is written.
  await ingestBatches(database.db, engines.analyzer, { id: 'demo', kind: 'bench' }, batches(), () => new Date());
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const backend1 = await backendCpuMs(database);
  const per20k = (ms: number) => (ms / all.length) * 20_000;
  return {
    postsPerS: all.length / seconds,
    nodeCpuMsPer20k: per20k((cpu.user + cpu.system) / 1000),
    backendCpuMsPer20k: backend0 === null || backend1 === null ? null : per20k(backend1 - backend0),
  };
}

export async function run(options: BenchOptions): Promise<void> {
  const n = options.large ? 200_000 : 50_000;
  const all = posts(n);

  const server = await freshPostgres();
  try {
    // CPU time as well as the rate: on a machine shared with other work, the rate is noise and the CPU is not.
    const onServer = await ingestAll(server, all);
    report('ingest_pg_posts_per_s', onServer.postsPerS, 'posts/s');
    report('ingest_pg_node_cpu_ms_per_20k', onServer.nodeCpuMsPer20k, 'ms');
    if (onServer.backendCpuMsPer20k !== null) report('ingest_pg_backend_cpu_ms_per_20k', onServer.backendCpuMsPer20k, 'ms');
    // The reference: the same rows, raw, by COPY into an empty posts table of a second database.
    const ref = await freshPostgres();
    try {
      const client = new pg.Client({ connectionString: ref.url! });
      await client.connect();
      const t0 = performance.now();
      const lines = all.map((p) => `demo\t${p.nativeId}\t${p.author.id}\t${p.createdAt.toISOString()}\t${p.text.replace(/[\t\n\\]/g, ' ')}\t${p.kind}\n`);
      await pipeline(Readable.from([lines.join('')]), client.query(copyFrom('copy posts (source, native_id, author_id, created_at, text, kind) from stdin')));
      report('copy_pg_rows_per_s', all.length / ((performance.now() - t0) / 1000), 'rows/s');
      await client.end();
    } finally {
      await ref.drop();
    }
  } finally {
    await server.drop();
  }

  const lite = await openDatabase({ url: null, dataDir: null });
  try {
    await migrateToLatest(lite.db);
    const lite20k = await ingestAll(lite, all.slice(0, Math.min(n, 20_000)));
    report('ingest_pglite_posts_per_s', lite20k.postsPerS, 'posts/s');
    report('ingest_pglite_cpu_ms_per_20k', lite20k.nodeCpuMsPer20k, 'ms');
  } finally {
    await lite.close();
  }
}

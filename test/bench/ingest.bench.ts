/**
 * End-to-end ingest: demo generator -> analysis (subjects, sentiment, references, dedupe) -> one
 * transaction per batch of 1,000 (posts, links, rollups, author sketches, derive queue, cursor),
 * the analysis of each batch overlapping the write of the one before,
 * on PostgreSQL and on PGlite; and a raw COPY of the same rows into PostgreSQL as the reference.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase, type DatabaseHandle } from '../../server/db/database';
import { migrateToLatest } from '../../server/db/migrate';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import { Engines } from '../../server/pipeline/engines';
import { ingestBatches } from '../../server/pipeline/ingest';
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

async function ingestAll(database: DatabaseHandle, all: NormalizedPost[]): Promise<number> {
  for (const s of DEMO_SUBJECTS) await insertSubject(database.db, { kind: s.kind, name: s.name, query: s.query, attributes: s.attributes });
  const engines = new Engines(database.db, createLogger('silent'));
  await engines.reload();
  function* batches() {
    for (let i = 0; i < all.length; i += 1000) yield { posts: all.slice(i, i + 1000), cursor: { index: i + 1000 } };
  }
  const t0 = performance.now();
  // As the pipeline stores a source's batches: batch N+1 is analysed while batch N is written.
  await ingestBatches(database.db, engines.analyzer, { id: 'demo', kind: 'bench' }, batches(), () => new Date());
  return all.length / ((performance.now() - t0) / 1000);
}

export async function run(options: BenchOptions): Promise<void> {
  const n = options.large ? 200_000 : 50_000;
  const all = posts(n);

  const server = await freshPostgres();
  try {
    report('ingest_pg_posts_per_s', await ingestAll(server, all), 'posts/s');
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
    report('ingest_pglite_posts_per_s', await ingestAll(lite, all.slice(0, Math.min(n, 20_000))), 'posts/s');
  } finally {
    await lite.close();
  }
}

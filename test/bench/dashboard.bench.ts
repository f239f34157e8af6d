/**
 * Dashboard latency at scale: seeds N posts into PostgreSQL with COPY (as a bulk load would), builds
 * the rollups and author sketches the ingester would have written, then times the real Overview and
 * scorecard endpoints for a 30-day range. 1M posts by default; `--large` adds 10M.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Clock } from '../../server/clock';
import { addToSketch, emptySketch } from '../../server/analysis/hll';
import { createApp } from '../../server/http/app';
import { statsRoutes } from '../../server/http/routes/stats.routes';
import { createLogger } from '../../server/logger';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { listenOnFreePort } from '../support/http';
import { report, type BenchOptions } from './report';
import { freshPostgres, percentile, prng } from './support';

const SUBJECTS = 20;
const DAYS = 90;
const HOUR = 3_600_000;
const now = new Date('2026-06-01T00:00:00Z');
const clock: Clock = { now: () => now, sleep: async () => {} };

export async function run(options: BenchOptions): Promise<void> {
  for (const n of options.large ? [1_000_000, 10_000_000] : [1_000_000]) await benchAt(n);
}

async function benchAt(n: number): Promise<void> {
  const label = n >= 10_000_000 ? '10m' : '1m';
  const database = await freshPostgres();
  try {
    const ids: number[] = [];
    for (let i = 0; i < SUBJECTS; i++) ids.push((await insertSubject(database.db, { kind: i === 0 ? 'company' : 'supplier', name: `Subject ${i}`, query: `s${i}` })).id);
    const copySeconds = await seed(database.url!, ids, n);
    report(`copy_pg_rows_per_s_${label}`, (2 * n) / copySeconds, 'rows/s');
    await sql`analyze`.execute(database.db);

    const app = createApp({ database, logger: createLogger('silent'), version: 'bench', sourceHealth: () => [], webDir: null, routers: [statsRoutes({ database, clock })] });
    const server = await listenOnFreePort(app);
    try {
      for (const [name, path] of [
        ['overview', '/api/stats/overview?range=30d'],
        ['scorecard', '/api/stats/scorecard?range=30d'],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < 60; i++) {
          const t0 = performance.now();
          const res = await fetch(server.url + path);
          if (!res.ok) throw new Error(`${path}: ${res.status}`);
          await res.json();
          if (i >= 10) times.push(performance.now() - t0);
        }
        report(`${name}_p50_ms_${label}`, percentile(times, 50), 'ms');
        report(`${name}_p95_ms_${label}`, percentile(times, 95), 'ms');
      }
    } finally {
      await server.close();
    }
  } finally {
    await database.drop();
  }
}

/** COPYs posts and their subject links, then writes the rollups and sketches computed on the way. Returns COPY seconds. */
async function seed(url: string, subjectIds: number[], n: number): Promise<number> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const random = prng(7);
  const start = now.getTime() - DAYS * 24 * HOUR;
  const rollups = new Map<string, number[]>();
  const sketches = new Map<string, Uint8Array>();
  const labels = ['positive', 'negative', 'neutral'] as const;
  const posts: Array<{ subject: number; at: number }> = [];
  try {
    // Bulk-load practice: build the indexes after the data is in.
    await client.query('drop index posts_created_at_idx; drop index posts_source_native_id_key; drop index post_subjects_subject_time_idx; drop index post_subjects_post_idx');
    const t0 = performance.now();
    const rows = function* () {
      for (let i = 1; i <= n; i++) {
        // A few subjects get most of the talk, as in real life.
        const subject = subjectIds[Math.min(subjectIds.length - 1, Math.floor(-Math.log(1 - random()) * 4))]!;
        const at = start + Math.floor(random() * DAYS * 24 * HOUR);
        const author = `u${Math.floor(random() * (n / 5))}`;
        const label = labels[random() < 0.25 ? 1 : random() < 0.5 ? 0 : 2];
        const score = label === 'positive' ? 0.6 : label === 'negative' ? -0.6 : 0;
        const created = new Date(at).toISOString();
        posts.push({ subject, at });
        const hour = Math.floor(at / HOUR);
        const key = `${subject}:${hour}`;
        const r = rollups.get(key) ?? [0, 0, 0, 0, 0];
        r[0]!++;
        r[label === 'positive' ? 1 : label === 'negative' ? 2 : 3]!++;
        r[4]! += score;
        rollups.set(key, r);
        const dayKey = `${subject}:${Math.floor(at / (24 * HOUR))}`;
        const sketch = sketches.get(dayKey) ?? emptySketch();
        addToSketch(sketch, author);
        sketches.set(dayKey, sketch);
        yield `${i}\tbench\t${i}\t${author}\t${created}\tpost ${i} about subject ${subject}\toriginal\t${label}\t${score}\n`;
      }
    };
    await pipeline(
      Readable.from(batched(rows())),
      client.query(copyFrom('copy posts (id, source, native_id, author_id, created_at, text, kind, sentiment_label, sentiment_score) from stdin')),
    );
    const links = function* () {
      for (let i = 0; i < posts.length; i++) yield `${posts[i]!.subject}\t${i + 1}\t${new Date(posts[i]!.at).toISOString()}\n`;
    };
    await pipeline(Readable.from(batched(links())), client.query(copyFrom('copy post_subjects (subject_id, post_id, created_at) from stdin')));
    const copySeconds = (performance.now() - t0) / 1000;
    posts.length = 0;
    await client.query(`select setval('posts_id_seq', ${n})`);
    await client.query('create unique index posts_source_native_id_key on posts (source, native_id)');
    await client.query('create index posts_created_at_idx on posts (created_at)');
    await client.query('create index post_subjects_subject_time_idx on post_subjects (subject_id, created_at)');
    await client.query('create index post_subjects_post_idx on post_subjects (post_id)');

    const rollupRows = function* () {
      for (const [key, r] of rollups) {
        const [subject, hour] = key.split(':').map(Number) as [number, number];
        yield `${subject}\t${new Date(hour * HOUR).toISOString()}\t${r[0]}\t${r[1]}\t${r[2]}\t${r[3]}\t${r[4]}\n`;
      }
    };
    await pipeline(Readable.from(batched(rollupRows())), client.query(copyFrom('copy rollups (subject_id, bucket, posts, positive, negative, neutral, score_sum) from stdin')));
    for (const [key, sketch] of sketches) {
      const [subject, day] = key.split(':').map(Number) as [number, number];
      await client.query('insert into rollup_author_days (subject_id, day, sketch) values ($1, $2, $3)', [subject, new Date(day * 24 * HOUR), Buffer.from(sketch)]);
    }
    return copySeconds;
  } finally {
    await client.end();
  }
}

/** Joins lines into ~1 MB chunks: one stream write per line would dominate the COPY. */
function* batched(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

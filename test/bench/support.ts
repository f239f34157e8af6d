import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../server/db/database';
import { migrateToLatest } from '../../server/db/migrate';
import { seededRandom } from '../../server/sources/demo/random';

/** The PostgreSQL server benchmarks use: EARSHOT_BENCH_DATABASE_URL, DATABASE_URL, or the local default. */
export const benchServerUrl = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated PostgreSQL database for one benchmark, dropped by `drop()`. */
export async function freshPostgres(): Promise<DatabaseHandle & { drop(): Promise<void> }> {
  const name = `earshot_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: benchServerUrl });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`create database ${name}`);
  const url = new URL(benchServerUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), dataDir: null, poolSize: 8 });
  await migrateToLatest(handle.db);
  return { ...handle, drop: async () => (await handle.close(), await admin(`drop database if exists ${name} with (force)`)) };
}

/** p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The demo's seeded PRNG (mulberry32), so benchmark data is the same every run. */
export const prng = seededRandom;

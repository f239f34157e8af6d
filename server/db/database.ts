/**
 * Opens the database the configuration names: a PostgreSQL server when DATABASE_URL is set,
 * otherwise embedded PostgreSQL (PGlite) in the data directory. Both speak the same SQL, so the
 * same migrations and repositories serve both.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './tables';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** The connection URL when kind is 'postgres' (for COPY and other driver-level work). */
  url: string | null;
  close(): Promise<void>;
}

// int8 (bigserial ids, counts) arrives as a string by default; every id we make fits in 2^53.
const int8ToNumber = (v: string) => Number(v);
pg.types.setTypeParser(pg.types.builtins.INT8, int8ToNumber);

/** `dataDir: null` opens an in-memory PGlite (tests). */
export async function openDatabase(options: { url: string | null; dataDir: string | null; poolSize?: number }): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // A dropped idle connection (database restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', url: options.url, close: () => db.destroy() };
  }
  let dir: string | undefined;
  if (options.dataDir) {
    dir = join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const pglite = await PGlite.create(dir, { parsers: { [pgliteTypes.INT8]: int8ToNumber } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    url: null,
    // Kysely's destroy closes PGlite too, which checkpoints the data directory: a clean Ctrl-C leaves no recovery to do.
    close: () => db.destroy(),
  };
}

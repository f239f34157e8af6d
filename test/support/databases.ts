/**
 * Runs a suite on every database Earshot supports: embedded PGlite always, and a PostgreSQL server
 * when one is reachable (see global-setup.ts). Each suite gets a fresh, migrated database of its
 * own (on the server: a throw-away database dropped afterwards), so test files run in parallel.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/database';
import { migrateToLatest } from '../../server/db/migrate';

export type DbKind = 'pglite' | 'postgres';
export type TestDatabase = DatabaseHandle & { drop(): Promise<void> };

/** Creates a fresh migrated database of the given kind. */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ url: null, dataDir: null });
    await migrateToLatest(handle.db);
    return { ...handle, drop: () => handle.close() };
  }
  const serverUrl = inject('postgresUrl');
  if (!serverUrl) throw new Error('no PostgreSQL server for this run');
  const name = `earshot_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), dataDir: null, poolSize: 4 });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    drop: async () => {
      await handle.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** The database kinds this run can test: always PGlite, PostgreSQL when reachable. */
export function databaseKinds(): DbKind[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * `describeEachDatabase('ingest', (db) => { test(...) })`: the body runs once per database kind,
 * and `db()` returns that suite's migrated database inside tests and hooks.
 */
export function describeEachDatabase(name: string, body: (db: () => TestDatabase, kind: DbKind) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const skip = kind === 'postgres' && !inject('postgresUrl');
    describe.skipIf(skip)(`${name} [${kind}]`, () => {
      let handle: TestDatabase | null = null;
      beforeAll(async () => {
        handle = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await handle?.drop();
      });
      body(() => {
        if (!handle) throw new Error('the test database is not open yet');
        return handle;
      }, kind);
    });
  }
}

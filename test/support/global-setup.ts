/**
 * Runs once before all test files: finds out which outside services are usable, prints a reason for
 * each one that is not, and fails the run at once when CI requires it (EARSHOT_REQUIRE_*).
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { testEnv } from './env';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
    postgresSkipReason: string | null;
    browserSkipReason: string | null;
  }
}

async function probePostgres(): Promise<string | null> {
  if (!testEnv.postgresUrl) return 'no DATABASE_URL or EARSHOT_TEST_DATABASE_URL is set';
  const client = new pg.Client({ connectionString: testEnv.postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return `cannot reach ${testEnv.postgresUrl.replace(/\/\/[^@/]*@/, '//***@')}: ${(e as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const pgReason = await probePostgres();
  const browserReason = existsSync(testEnv.browserPath) ? null : `no Chromium at ${testEnv.browserPath} (apt-get install chromium)`;
  const problems: string[] = [];
  if (pgReason) {
    if (testEnv.requirePostgres) problems.push(`PostgreSQL required by EARSHOT_REQUIRE_PG but ${pgReason}`);
    else console.warn(`[skip] PostgreSQL suites skipped: ${pgReason}`);
  }
  if (browserReason) {
    if (testEnv.requireBrowser) problems.push(`Chromium required by EARSHOT_REQUIRE_BROWSER but ${browserReason}`);
    else console.warn(`[skip] browser tests skipped: ${browserReason}`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  project.provide('postgresUrl', pgReason ? null : testEnv.postgresUrl);
  project.provide('postgresSkipReason', pgReason);
  project.provide('browserSkipReason', browserReason);
}

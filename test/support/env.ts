/**
 * What the test environment offers. Tests that need a service skip with a printed reason when it is
 * absent; EARSHOT_REQUIRE_PG=1 / EARSHOT_REQUIRE_BROWSER=1 (set by .ci/run) turn such a skip into a failure.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const sharedDataDir = fileURLToPath(new URL('../../../shared/data', import.meta.url));

const on = (v: string | undefined) => v === '1' || v === 'true';

export const testEnv = {
  /** A PostgreSQL server URL; tests create their own databases on it. */
  postgresUrl: process.env.EARSHOT_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? null,
  requirePostgres: on(process.env.EARSHOT_REQUIRE_PG),
  browserPath: process.env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium',
  requireBrowser: on(process.env.EARSHOT_REQUIRE_BROWSER),
  hasSharedData: existsSync(sharedDataDir),
};


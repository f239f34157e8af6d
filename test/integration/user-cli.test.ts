import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyPassword } from '../../server/auth/passwords';
import { hashToken } from '../../server/auth/tokens';
import { openDatabase } from '../../server/db/database';
import { repoRoot } from '../support/env';

const exec = promisify(execFile);
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'earshot-user-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `earshot …` on an embedded database in a temporary data dir (DATABASE_URL emptied, as CI sets one). */
async function earshot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: '', EARSHOT_SECRET_KEY: '', EARSHOT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await exec('node', ['server/bin.js', ...args], { cwd: repoRoot, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function inDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: null, dataDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const passwordIn = (stdout: string) => /Password \(shown once\): (\S+)/.exec(stdout)?.[1];

test('user add prints a random password once; list, reset-password, disable and token create work on the same database', async () => {
  const added = await earshot('user', 'add', '--email', 'Ada@Example.test', '--role', 'admin', '--name', 'Ada');
  expect(added.code, added.stderr).toBe(0);
  expect(added.stdout).toMatch(/Created admin ada@example.test/);
  const first = passwordIn(added.stdout)!;
  expect(first).toMatch(/^[A-Za-z0-9]{20}$/);

  const second = await earshot('user', 'add', '--email', 'viewer@example.test', '--role', 'viewer', '--password', 'a chosen long password');
  expect(second.code, second.stderr).toBe(0);
  expect(passwordIn(second.stdout)).toBeUndefined();

  const reset = await earshot('user', 'reset-password', '--email', 'ada@example.test');
  expect(reset.code, reset.stderr).toBe(0);
  const renewed = passwordIn(reset.stdout)!;
  expect(renewed).not.toBe(first);

  expect((await earshot('user', 'disable', '--email', 'viewer@example.test')).code).toBe(0);
  const token = await earshot('token', 'create', '--email', 'ada@example.test', '--scope', 'ingest', '--name', 'webhook');
  expect(token.code, token.stderr).toBe(0);
  expect(token.stdout.trim()).toMatch(/^es_[A-Za-z0-9_-]{43}$/);

  const list = await earshot('user', 'list');
  expect(list.stdout).toMatch(/ada@example\.test\s+admin\s+active\s+Ada/);
  expect(list.stdout).toMatch(/viewer@example\.test\s+viewer\s+disabled/);

  await inDatabase(async (db) => {
    const ada = await db.selectFrom('users').selectAll().where('email', '=', 'ada@example.test').executeTakeFirstOrThrow();
    expect(await verifyPassword(renewed, ada.password_hash)).toBe(true);
    expect(await verifyPassword(first, ada.password_hash)).toBe(false);
    const stored = await db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ user_id: ada.id, scope: 'ingest', name: 'webhook', token_hash: hashToken(token.stdout.trim()) });
    const actions = (await db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['user.created', 'user.created', 'user.password_changed', 'user.disabled', 'token.created']);
  });
}, 120_000);

test.concurrent.each([
  { args: ['user', 'add', '--email', 'x@example.test', '--role', 'overlord'], error: /--role/ },
  { args: ['user', 'add', '--email', 'not-an-email', '--role', 'viewer'], error: /--email/ },
  { args: ['user', 'add', '--email', 'x@example.test', '--role', 'viewer', '--password', 'short'], error: /--password must be at least 12/ },
  { args: ['user', 'add', '--email', 'x@example.test', '--role', 'supplier'], error: /--supplier-subject/ },
  { args: ['user', 'frobnicate'], error: /unknown subcommand 'frobnicate'/ },
  { args: ['user', 'add', '--bogus'], error: /Unknown option '--bogus'/ },
  { args: ['token', 'create', '--email', 'x@example.test', '--scope', 'root', '--name', 'n'], error: /--scope must be one of read, write, ingest/ },
])('earshot $args.0 $args.1 with bad input exits 2 and says why', async ({ args, error }) => {
  const r = await earshot(...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(error);
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { repoRoot } from '../support/env';

const run = promisify(execFile);

test('earshot --help lists the commands', async () => {
  const { stdout } = await run('node', ['server/bin.js', '--help'], { cwd: repoRoot });
  expect(stdout).toMatch(/Usage: earshot <command>/);
  expect(stdout).toMatch(/serve/);
  expect(stdout).toMatch(/migrate/);
});

test('an unknown command exits 2 with the help', async () => {
  const error = await run('node', ['server/bin.js', 'frobnicate'], { cwd: repoRoot }).catch((e: { code: number; stderr: string }) => e);
  expect(error).toMatchObject({ code: 2 });
  expect((error as { stderr: string }).stderr).toMatch(/unknown command 'frobnicate'/);
});

test('a bad environment variable stops start-up with a message that names it', async () => {
  const error = await run('node', ['server/bin.js', 'migrate'], { cwd: repoRoot, env: { ...process.env, PORT: 'x', DATABASE_URL: 'nope' } }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect(error).toMatchObject({ code: 2 });
  expect((error as { stderr: string }).stderr).toMatch(/DATABASE_URL/);
});

/**
 * Starts the real `earshot serve` as a child process on a free port, the way a user runs it, and
 * reads the URL it prints. Used by browser tests and crash-recovery tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './env';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServerProcess(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServerProcess> {
  const dataDir = env.EARSHOT_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'earshot-data-'));
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), PORT: '0', EARSHOT_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['server/bin.js', 'serve'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${out}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    url,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export const TEST_ADMIN = { EARSHOT_ADMIN_EMAIL: 'admin@earshot.test', EARSHOT_ADMIN_PASSWORD: 'correct horse battery staple' } as const;

/** Signs in over the API; returns a fetch that sends the session cookie and, on writes, the CSRF token. */
export async function signedInFetch(baseUrl: string, email: string = TEST_ADMIN.EARSHOT_ADMIN_EMAIL, password: string = TEST_ADMIN.EARSHOT_ADMIN_PASSWORD) {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie, ...(init.method && init.method !== 'GET' ? { 'x-csrf-token': csrfToken } : {}) } });
}

/**
 * The shell around secrets.ts: where the key comes from. EARSHOT_SECRET_KEY when set; otherwise a
 * key generated on first run into `<data dir>/secret.key` (mode 0600) and read from there after.
 * Losing that file loses every stored credential, so it is created once and never rewritten.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { deriveSecretKey, generateKeyMaterial, type SecretKey } from './secrets';

export const SECRET_KEY_FILE = 'secret.key';

export function loadSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>): { key: SecretKey; source: 'env' | 'file' | 'generated' } {
  if (config.secretKey) return { key: deriveSecretKey(config.secretKey), source: 'env' };
  const path = join(config.dataDir, SECRET_KEY_FILE);
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx' fails when the file exists, so two processes starting together never overwrite each other's key.
    writeFileSync(path, `${generateKeyMaterial()}\n`, { flag: 'wx', mode: 0o600 });
    return { key: deriveSecretKey(readKeyFile(path)), source: 'generated' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // Tighten a key file someone loosened by hand (chmod is a no-op where modes do not exist).
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { key: deriveSecretKey(readKeyFile(path)), source: 'file' };
}

function readKeyFile(path: string): string {
  const text = readFileSync(path, 'utf8').trim();
  if (text.length < 32) throw new Error(`${path} does not hold a key (at least 32 characters); restore it from a backup`);
  return text;
}

/** The pure pieces of accounts: password hashes, the secret box and its key file, the throttle, the rate limiter, audit scrubbing. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { scrubDetails } from '../../server/auth/audit';
import { hashPassword, needsRehash, randomPassword, verifyPassword } from '../../server/auth/passwords';
import { loadSecretKey } from '../../server/auth/secret-key';
import { deriveSecretKey, isSealed, SecretDecryptionError, secretBox } from '../../server/auth/secrets';
import { LoginThrottle } from '../../server/http/auth/login-throttle';
import { RateLimiter } from '../../server/http/auth/rate-limit';

describe('passwords', () => {
  test('a hash carries its parameters and salt, verifies the right password only, and differs every time', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  test('a hash made with weaker parameters still verifies and asks to be rehashed', async () => {
    const weak = await hashPassword('pw-pw-pw-pw-pw', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('pw-pw-pw-pw-pw', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('pw-pw-pw-pw-pw'))).toBe(false);
  });

  test.each([
    ['not a hash'],
    ['scrypt$32768$8$1$c2FsdA$'],
    ['scrypt$1073741824$8$1$c2FsdA$' + 'A'.repeat(43)],
    ['scrypt$1000$8$1$c2FsdA$' + 'A'.repeat(43)],
    ['bcrypt$2b$10$abc'],
  ])('a malformed or tampered hash %s never matches and costs nothing', async (hash) => {
    expect(await verifyPassword('anything', hash)).toBe(false);
  });

  test('the same password typed in another Unicode normal form verifies', async () => {
    const hash = await hashPassword('caf\u00e9-longer-password', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301-longer-password', hash)).toBe(true);
  });

  test('random passwords are 20 characters without look-alikes, and do not repeat', () => {
    const many = Array.from({ length: 200 }, () => randomPassword());
    expect(new Set(many).size).toBe(200);
    for (const p of many) expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
  });
});

describe('the secret box', () => {
  const box = secretBox(deriveSecretKey('k'.repeat(40)));

  test('a sealed secret opens to the same text and does not contain it', () => {
    const secret = 'xoxb-1234-slack-webhook-secret ✓';
    const sealed = box.seal(secret);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('slack');
    expect(box.open(sealed)).toBe(secret);
    expect(box.seal(secret)).not.toBe(sealed);
  });

  test.each([
    { case: 'a flipped ciphertext byte', alter: (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1) },
    { case: 'a changed tag', alter: (s: string) => s.split('.').map((p, i) => (i === 2 ? 'A'.repeat(p.length) : p)).join('.') },
    { case: 'another version', alter: (s: string) => s.replace(/^v1/, 'v9') },
    { case: 'plain text', alter: () => 'hunter2' },
  ])('$case is refused, never decrypted to garbage', ({ alter }) => {
    expect(() => box.open(alter(box.seal('the real secret')))).toThrow(SecretDecryptionError);
  });

  test('another key cannot open it', () => {
    const other = secretBox(deriveSecretKey('o'.repeat(40)));
    expect(() => other.open(box.seal('s'))).toThrow(SecretDecryptionError);
    expect(other.keyId).not.toBe(box.keyId);
  });
});

describe('the secret key file', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  test('without EARSHOT_SECRET_KEY a key is generated once into secret.key (mode 0600) and reused', () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-key-'));
    const first = loadSecretKey({ secretKey: null, dataDir: dir });
    expect(first.source).toBe('generated');
    const path = join(dir, 'secret.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    const second = loadSecretKey({ secretKey: null, dataDir: dir });
    expect(second.source).toBe('file');
    expect(secretBox(second.key).open(secretBox(first.key).seal('same key'))).toBe('same key');
  });

  test('EARSHOT_SECRET_KEY wins and no file is written; a truncated key file is an error, not a new key', () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-key-'));
    expect(loadSecretKey({ secretKey: 'e'.repeat(32), dataDir: dir }).source).toBe('env');
    expect(() => statSync(join(dir!, 'secret.key'))).toThrow();
    writeFileSync(join(dir, 'secret.key'), 'short\n', { mode: 0o600 });
    expect(() => loadSecretKey({ secretKey: null, dataDir: dir! })).toThrow(/does not hold a key/);
  });
});

describe('login throttling', () => {
  const options = { windowMs: 60_000, accountLimit: 3, ipLimit: 5, baseLockMs: 1000, maxLockMs: 8000, maxKeys: 100 };

  test('an account locks after its limit and each further failure doubles the lock, up to the cap', () => {
    const t = new LoginThrottle(options);
    let now = 0;
    const locks: number[] = [];
    for (let i = 0; i < 7; i++) {
      now += t.retryAfter('a', `ip${i}`, now);
      t.fail('a', `ip${i}`, now);
      locks.push(t.retryAfter('a', `other${i}`, now));
    }
    expect(locks).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000]);
  });

  test('one IP trying many accounts locks the IP; a success clears the account only', () => {
    const t = new LoginThrottle(options);
    for (let i = 0; i < 5; i++) t.fail(`user${i}`, 'ip', 0);
    expect(t.retryAfter('fresh', 'ip', 0)).toBe(1000);
    expect(t.retryAfter('fresh', 'another ip', 0)).toBe(0);
    t.fail('b', 'x', 0);
    t.fail('b', 'y', 0);
    t.succeed('b');
    t.fail('b', 'z', 0);
    expect(t.retryAfter('b', 'w', 0)).toBe(0);
  });

  test('failures older than the window are forgotten', () => {
    const t = new LoginThrottle(options);
    t.fail('a', 'i', 0);
    t.fail('a', 'i', 1);
    t.fail('a', 'j', 70_000);
    expect(t.retryAfter('a', 'k', 70_000)).toBe(0);
  });

  test('memory is bounded however many e-mails are tried', () => {
    const t = new LoginThrottle({ ...options, maxKeys: 50 });
    for (let i = 0; i < 1000; i++) t.fail(`user${i}`, `ip${i}`, i);
    expect((t as unknown as { keys: Map<string, unknown> }).keys.size).toBe(50);
  });
});

describe('the rate limiter', () => {
  test('a bucket allows a burst of its size, then refills at its rate', () => {
    const r = new RateLimiter(60);
    const burst = Array.from({ length: 61 }, () => r.take('k', 0));
    expect(burst.filter((w) => w === 0)).toHaveLength(60);
    expect(burst.at(-1)).toBe(1);
    expect(r.take('k', 1000)).toBe(0);
    expect(r.take('k', 1000)).toBe(1);
    expect(r.take('other', 1000)).toBe(0);
  });
});

describe('audit details', () => {
  test('secrets are redacted by key and by shape, and text is made storable', () => {
    expect(
      scrubDetails({ password: 'x', newPassword: 'y', token: 'z', secret: 's', name: 'ok', value: `es_${'a'.repeat(43)}`, hash: 'scrypt$1', nested: { apiSecret: 'q', n: 1 }, bad: 'a\u0000b\ud800', __proto__: { polluted: true } } as Record<string, unknown>),
    ).toEqual({ password: '[redacted]', newPassword: '[redacted]', token: '[redacted]', secret: '[redacted]', name: 'ok', value: '[redacted]', hash: '[redacted]', nested: { apiSecret: '[redacted]', n: 1 }, bad: 'a\ufffdb\ufffd' });
  });
});

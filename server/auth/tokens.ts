/**
 * Random bearer values (session cookies, API tokens, CSRF tokens) and the hashes the database keeps
 * of them. The database never holds a usable value: a leaked table yields no session and no token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'es_';

/** 32 random bytes, base64url (43 characters). */
export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/** An API token as shown to its owner once: `es_` + 43 characters. */
export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomId()}`;
}

export function looksLikeApiToken(value: string): boolean {
  return /^es_[A-Za-z0-9_-]{43}$/.test(value);
}

/** sha256 hex: enough for 256-bit random values, which no dictionary reaches. */
export function hashToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time string comparison for tokens of any length. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

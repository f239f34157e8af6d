/**
 * Encryption at rest for credentials (X bearer tokens, Mastodon tokens, SMTP passwords, webhook
 * secrets): AES-256-GCM with a random 96-bit nonce per value, authenticated so a changed byte is
 * refused, not decrypted to garbage. Pure: the key comes in as bytes; loading or creating it is
 * secret-key.ts's job. A sealed value reads `v1.<nonce>.<tag>.<ciphertext>` (base64url).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export type SecretKey = Buffer & { readonly __secretKey: unique symbol };

/** The 32-byte key from EARSHOT_SECRET_KEY (or the generated key file's text), via HKDF-SHA256. */
export function deriveSecretKey(material: string): SecretKey {
  if (material.length < 32) throw new Error('the secret key must be at least 32 characters');
  return Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), Buffer.alloc(0), 'earshot secrets v1', 32)) as SecretKey;
}

/** Fresh key material for the key file: 32 random bytes as 64 hex characters. */
export function generateKeyMaterial(): string {
  return randomBytes(32).toString('hex');
}

export class SecretDecryptionError extends Error {
  constructor() {
    super('a stored secret could not be decrypted: the secret key changed or the value was altered');
  }
}

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** A short non-reversible fingerprint of the key, for "which key encrypted this" messages. */
  readonly keyId: string;
}

/** @example const box = secretBox(deriveSecretKey(material)); box.open(box.seal('xoxb-…')) // 'xoxb-…' */
export function secretBox(key: SecretKey): SecretBox {
  if (key.length !== 32) throw new Error('AES-256 needs a 32-byte key');
  return {
    keyId: createHash('sha256').update(key).digest('hex').slice(0, 8),
    seal(plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, nonce, tag, data, ...rest] = sealed.split('.');
      if (version !== 'v1' || nonce === undefined || tag === undefined || data === undefined || rest.length) throw new SecretDecryptionError();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError();
      }
    },
  };
}

/** True for a value this module sealed (so a migration can tell plaintext left from before). */
export function isSealed(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}

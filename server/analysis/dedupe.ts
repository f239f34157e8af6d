/**
 * Near-duplicate keys: copy-paste campaigns and retweet-style copies ("RT @x: …") of the same text
 * from different accounts share a key, so counts can use distinct texts as well as posts.
 */

/** The text as copies agree on it: no RT prefix, URLs, leading handles, case, punctuation or emoji. */
export function normalizeForDedupe(text: string): string {
  return text
    .toLowerCase()
    .replace(/^(?:rt\s+)?(?:@[\w.]+:?\s*)+/u, '')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[^\p{L}\p{N}#@]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** 64-bit FNV-1a as 16 hex characters. @example dedupeKey('RT @a: Late AGAIN!! https://t.co/x') === dedupeKey('late again') // true */
export function dedupeKey(text: string): string {
  const s = normalizeForDedupe(text);
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

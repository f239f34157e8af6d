/**
 * Near-duplicate keys: copy-paste campaigns and retweet-style copies ("RT @x: …") of the same text
 * from different accounts share a key, so counts can use distinct texts as well as posts.
 */

const LEADING_RT = /^(?:rt\s+)?(?:@[\w.]+:?\s*)+/u;
const URL = /https?:\/\/\S+/g;
const NOT_WORD = /[^\p{L}\p{N}#@]+/gu;
// For ASCII text the same class without Unicode property lookups, which were most of the cost.
const NOT_WORD_ASCII = /[^a-z0-9#@]+/g;
const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * The text as copies agree on it: no RT prefix, URLs, leading handles, case, punctuation or emoji.
 * Every run of other characters became one space, so trimming leaves words single-spaced.
 */
export function normalizeForDedupe(text: string): string {
  let s = text.toLowerCase();
  if (s.startsWith('rt') || s.startsWith('@')) s = s.replace(LEADING_RT, '');
  if (s.includes('http')) s = s.replace(URL, ' ');
  return s.replace(NON_ASCII.test(s) ? NOT_WORD : NOT_WORD_ASCII, ' ').trim();
}

/**
 * A 64-bit key as 16 hex characters: two independent 32-bit FNV-1a lanes (BigInt arithmetic per
 * character was the slowest step of ingest analysis).
 * @example dedupeKey('RT @a: Late AGAIN!! https://t.co/x') === dedupeKey('late again') // true
 */
export function dedupeKey(text: string): string {
  const s = normalizeForDedupe(text);
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

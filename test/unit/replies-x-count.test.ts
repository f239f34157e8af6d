/**
 * Our X length against twitter-text 3.1.0 itself (a dev dependency; the counter ships without it,
 * since it must run in the browser): realistic replies, edge cases, and seeded random mixes of
 * the pieces that trip counters (URLs with and without a scheme, bare domains with real and made-up
 * TLDs, emoji sequences, CJK, combining marks, punctuation next to links).
 */
import twitter from 'twitter-text';
import { expect, test } from 'vitest';
import { xLength } from '../../server/analysis/replies/count';
import { DEFAULT_TEMPLATES, renderTemplate } from '../../server/analysis/replies/templates';
import { seededRandom } from '../../server/sources/demo/random';

const weighted = (s: string) => twitter.parseTweet(s).weightedLength;

test.each([
  ...DEFAULT_TEMPLATES.map((t) => renderTemplate(t.text, { author: 'ann', order: '48213', issue: 'late deliveries', case: '#12', subject: 'Acme', agent: 'Rita' })),
  'Hi @ann, order #48213 🙏 https://acme.example/track?id=48213&x=1',
  'See https://help.acme.com/orders/48213?lang=en#status, or call us.',
  'Track it at acme.com/track (order 48213).',
  'foo.bar baz',
  'example.co.uk/path',
  'www.example.com',
  'https://例え.jp/パス',
  'http://localhost:3000/x',
  '申し訳ありません。ご注文 48213 は明日発送されます。',
  'Ümlaut ßtraße Привет שלום مرحبا',
  '👩‍👩‍👧 🇫🇷 👍🏽 🏴‍☠️ 1️⃣ © ™ ↑ ★',
])('X counts "%s" as twitter-text does', (text) => {
  expect(xLength(text)).toBe(weighted(text));
});

test('seeded random mixes: our length equals twitter-text on every one', () => {
  const pieces = ['hi',  '@ann', '#48213', 'order', '日本', '한', 'é', 'e\u0301', 'ß', 'Ж', '—', '…', '‘', '"', '.', ',', '!', '?', '(', ')', '👋', '👩‍👩‍👧', '🇫🇷', '👍🏽', '\n', 'https://acme.com/a', 'http://x.io', 'acme.com', 'acme.com/help', 'foo.bar', 'acme.example', 'https://acme.example/x', 'www.acme.org', 'a.b', 'shop.acme.co.uk/p?q=1', '48213', 'L2231'];
  const separators = [' ', ' ', ' ', ' ', ', ', '. ', '\n', ' (', ') '];
  const rnd = seededRandom(20260301);
  const differ: string[] = [];
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const n = 1 + Math.floor(rnd() * 12);
    // Words are mostly apart, as in a reply; now and then glued to punctuation or a line break.
    for (let j = 0; j < n; j++) s += pieces[Math.floor(rnd() * pieces.length)]! + (separators[Math.floor(rnd() * separators.length)] ?? ' ');
    if (xLength(s) !== weighted(s)) differ.push(`${JSON.stringify(s)}: ours ${xLength(s)}, twitter-text ${weighted(s)}`);
  }
  // Text glued to a link with no space between is where twitter-text's full URL grammar and ours
  // part ways; words apart, as replies are written, must agree exactly.
  expect(differ, differ.slice(0, 10).join('\n')).toEqual([]);
});

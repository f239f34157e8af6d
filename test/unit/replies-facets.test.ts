import { expect, test } from 'vitest';
import { findFacets } from '../../server/analysis/replies/facets';

/** The text a facet's byte range covers, decoded as Bluesky would. */
const slice = (text: string, f: { byteStart: number; byteEnd: number }) => new TextDecoder().decode(new TextEncoder().encode(text).slice(f.byteStart, f.byteEnd));

test.each<[string, Array<[string, string]>]>([
  ['see https://acme.example/help.', [['link', 'https://acme.example/help']]],
  ['@ann.bsky.social sorry about that', [['mention', '@ann.bsky.social']]],
  ['hi @ann.bsky.social, we are on it #AcmeSupport!', [['mention', '@ann.bsky.social'], ['tag', '#AcmeSupport']]],
  ['(details: https://en.wikipedia.org/wiki/Foo_(bar)) ok', [['link', 'https://en.wikipedia.org/wiki/Foo_(bar)']]],
  ['ünïcödé 🙂 first, then https://acme.example/ü?x=1 and #tëst', [['link', 'https://acme.example/ü?x=1'], ['tag', '#tëst']]],
  ['version @v1.2 and #123 and mail ann@acme.example are not facets', []],
  ['https://acme.example/page#section stays one link', [['link', 'https://acme.example/page#section']]],
])('%s', (text, expected) => {
  const facets = findFacets(text);
  expect(facets.map((f) => [f.kind, slice(text, f)])).toEqual(expected);
});

test('offsets are UTF-8 bytes, not UTF-16 units: after an emoji and accents they differ', () => {
  const text = 'ça va 👩‍👩‍👧 @ann.bsky.social';
  const [m] = findFacets(text);
  expect(m).toMatchObject({ kind: 'mention', handle: 'ann.bsky.social' });
  expect(m!.byteStart).toBe(new TextEncoder().encode('ça va 👩‍👩‍👧 ').length);
  expect(m!.byteStart).not.toBe(text.indexOf('@'));
});

test('hostile input stays fast and bounded', () => {
  const text = `${'@a.'.repeat(20_000)} ${'#'.repeat(20_000)} ${'http://'.repeat(5_000)}`;
  expect(Array.isArray(findFacets(text))).toBe(true);
});

import { expect, test } from 'vitest';
import { recognisePost } from '../../server/sources/external-post';

test.each([
  {
    shape: "Earshot's own",
    raw: { id: 'a1', text: 'late again', createdAt: '2026-03-01T10:00:00Z', author: { id: 'u1', handle: 'ann' } },
    expected: { nativeId: 'a1', text: 'late again', kind: 'original', author: { id: 'u1', handle: 'ann', name: null, followers: null } },
  },
  {
    shape: 'Earshot with a plain author handle and a date only',
    raw: { id: 7, text: 'x', createdAt: '2026-03-01', author: 'bob' },
    expected: { nativeId: '7', author: { id: 'bob', handle: 'bob', name: null, followers: null } },
  },
  {
    shape: 'X API v2 retweet',
    raw: { id: '19', text: 'RT @acme: hi', created_at: '2026-03-01T10:00:00.000Z', author_id: '42', lang: 'en', referenced_tweets: [{ type: 'retweeted', id: '18' }], public_metrics: { like_count: 3 } },
    expected: { nativeId: '19', kind: 'repost', repostOfNativeId: '18', lang: 'en', metrics: { like_count: 3 } },
  },
  {
    shape: 'X archive tweets.js entry',
    raw: { tweet: { id_str: '55', full_text: 'my order never arrived', created_at: 'Wed Oct 10 20:19:24 +0000 2018', lang: 'en' } },
    expected: { nativeId: '55', text: 'my order never arrived', createdAt: new Date('2018-10-10T20:19:24Z') },
  },
  {
    shape: 'Bluesky postView',
    raw: { uri: 'at://did:plc:abc/app.bsky.feed.post/3k', author: { did: 'did:plc:abc', handle: 'ann.bsky.social' }, record: { text: 'cracked case', createdAt: '2026-03-01T10:00:00Z', langs: ['en'] } },
    expected: { nativeId: 'at://did:plc:abc/app.bsky.feed.post/3k', url: 'https://bsky.app/profile/ann.bsky.social/post/3k', lang: 'en' },
  },
  {
    shape: 'Jetstream commit',
    raw: { did: 'did:plc:z', time_us: 1, kind: 'commit', commit: { operation: 'create', rkey: 'r1', record: { text: 'hi', createdAt: '2026-03-01T10:00:00Z', reply: { root: {}, parent: {} } } } },
    expected: { nativeId: 'at://did:plc:z/app.bsky.feed.post/r1', kind: 'reply' },
  },
])('recognises $shape', ({ raw, expected }) => {
  const r = recognisePost(raw, 'import:x');
  expect(r.ok, JSON.stringify(r)).toBe(true);
  if (r.ok) expect(r.post).toMatchObject({ source: 'import:x', ...expected });
});

test.each([
  { what: 'null', raw: null, error: /expected an object, got null/ },
  { what: 'a number', raw: 42, error: /got number/ },
  { what: 'no text', raw: { id: '1', createdAt: '2026-03-01T10:00:00Z', author: 'a' }, error: /text/ },
  { what: 'a bad date', raw: { id: '1', text: 't', createdAt: 'yesterday', author: 'a' }, error: /createdAt/ },
  { what: 'a javascript: url', raw: { id: '1', text: 't', createdAt: '2026-03-01', author: 'a', url: 'javascript:alert(1)' }, error: /url/ },
  { what: 'an unknown kind', raw: { id: '1', text: 't', createdAt: '2026-03-01', author: 'a', kind: 'story' }, error: /kind/ },
])('refuses $what with a reason', ({ raw, error }) => {
  const r = recognisePost(raw, 'webhook');
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.errors.join('; ')).toMatch(error);
});

test('a __proto__ key in an item pollutes nothing', () => {
  const raw = JSON.parse('{"id":"1","text":"t","createdAt":"2026-03-01","author":"a","__proto__":{"polluted":true}}');
  recognisePost(raw, 'webhook');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

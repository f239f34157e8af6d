import { describe, expect, test } from 'vitest';
import { authorKey, bucketMinutesFor, type IncidentPost, likePattern, mayHideApostrophe, mostShared, prefilter, stories, timeline, voices } from '../../server/analysis/incident';
import { compileQuery } from '../../server/analysis/query-matcher';
import { parseQuery } from '../../server/analysis/query-parser';

const t0 = new Date('2026-05-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
let seq = 0;

function post(over: Partial<IncidentPost> = {}): IncidentPost {
  const id = ++seq;
  return {
    id,
    source: 'x',
    nativeId: `n${id}`,
    authorId: `u${id}`,
    authorHandle: null,
    authorFollowers: null,
    createdAt: t0,
    kind: 'original',
    repostOfNativeId: null,
    parentNativeId: null,
    dedupeKey: `k${id}`,
    label: 'neutral',
    metrics: null,
    ...over,
  };
}

describe('incident buckets', () => {
  test.each([
    { minutes: 30, step: 1 },
    { minutes: 12 * 60, step: 1 },
    { minutes: 12 * 60 + 1, step: 5 },
    { minutes: 3 * 24 * 60, step: 15 },
    { minutes: 365 * 24 * 60, step: 1440 },
  ])('an incident of $minutes minutes is charted in buckets of $step min', ({ minutes, step }) => {
    expect(bucketMinutesFor(t0, at(minutes))).toBe(step);
  });

  test('posts land in their minute, gaps are zeros, reposts count apart from posts and sentiment', () => {
    const posts = [
      post({ createdAt: at(0.5), label: 'negative' }),
      post({ createdAt: at(0.9), label: 'positive' }),
      post({ createdAt: at(0.95), label: 'negative' }),
      post({ createdAt: at(2.1), kind: 'repost', label: 'negative' }),
      post({ createdAt: at(2.2), label: 'unscored' }),
      post({ createdAt: at(-5) }),
    ];
    const b = timeline(posts, t0, at(3), 1);
    expect(b.map((x) => x.t)).toEqual([at(0), at(1), at(2)]);
    expect(b.map((x) => [x.posts, x.reposts, x.negative, x.positive, x.unscored])).toEqual([
      [3, 0, 2, 1, 0],
      [0, 0, 0, 0, 0],
      [1, 1, 0, 0, 1],
    ]);
    expect(b[0]!.net).toBeCloseTo(-100 / 3);
    expect(b[1]!.net).toBeNull();
  });

  test('a new voice is counted once, in the minute of its first post', () => {
    const ann = post({ authorId: 'ann', createdAt: at(1.5) });
    const posts = [post({ authorId: 'ann', createdAt: at(2.5) }), ann, post({ authorId: 'bob', createdAt: at(0.1) })];
    const b = timeline(posts, t0, at(3), 1, new Set([authorKey('x', 'ann')]));
    expect(b.map((x) => x.newVoices)).toEqual([0, 1, 0]);
  });
});

describe('stories', () => {
  test.each([
    {
      what: 'an original and its reposts',
      build: () => {
        const o = post({ nativeId: 'o', dedupeKey: 'a' });
        return { posts: [o, post({ kind: 'repost', repostOfNativeId: 'o', dedupeKey: 'a' }), post({ kind: 'repost', repostOfNativeId: 'o', dedupeKey: null })], rep: o.id };
      },
      expected: { posts: 3, reposts: 2, quotes: 0, duplicates: 0, authors: 3 },
    },
    {
      what: 'an original, a quote of it and a copy-paste of it',
      build: () => {
        const o = post({ nativeId: 'p', dedupeKey: 'b', createdAt: at(1) });
        return { posts: [post({ kind: 'quote', parentNativeId: 'p', createdAt: at(2) }), o, post({ dedupeKey: 'b', createdAt: at(3) })], rep: o.id };
      },
      expected: { posts: 3, reposts: 0, quotes: 1, duplicates: 1, authors: 3 },
    },
    {
      what: 'reposts of an original older than the incident',
      build: () => {
        const first = post({ kind: 'repost', repostOfNativeId: 'old', dedupeKey: null, createdAt: at(1) });
        return { posts: [post({ kind: 'repost', repostOfNativeId: 'old', dedupeKey: null, createdAt: at(2), authorId: first.authorId }), first], rep: first.id };
      },
      expected: { posts: 2, reposts: 2, quotes: 0, duplicates: 0, authors: 1 },
    },
  ])('$what collapse into one story', ({ build, expected }) => {
    const { posts, rep } = build();
    const s = stories(posts);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ ...expected, representativeId: rep });
    expect(s[0]!.postIds).toHaveLength(expected.posts);
  });

  test('unrelated posts stay separate stories, the largest first, and the same native id on another network is another post', () => {
    const big = post({ nativeId: 'same' });
    const posts = [post(), big, post({ kind: 'repost', repostOfNativeId: 'same' }), post({ source: 'bsky', kind: 'repost', repostOfNativeId: 'same' })];
    const s = stories(posts);
    expect(s.map((x) => x.posts)).toEqual([2, 1, 1]);
    expect(s[0]!.representativeId).toBe(big.id);
    expect(stories(posts, 2)).toHaveLength(2);
  });
});

describe('most shared posts', () => {
  test.each<{ what: string; metrics: Record<string, number> | null; seen: number; shares: number }>([
    { what: 'reposts and quotes seen', metrics: null, seen: 3, shares: 3 },
    { what: 'the network reports more than we saw', metrics: { retweet_count: 10, quote_count: 2, like_count: 99 }, seen: 3, shares: 12 },
    { what: 'the network reports less than we saw', metrics: { reblogs_count: 1 }, seen: 3, shares: 3 },
  ])('$what: $shares shares', ({ metrics, seen, shares }) => {
    const o = post({ nativeId: 'o', metrics });
    const posts = [o, post(), post({ kind: 'repost', repostOfNativeId: 'o' }), post({ kind: 'repost', repostOfNativeId: 'o' }), post({ kind: 'quote', parentNativeId: 'o' })];
    const top = mostShared(posts);
    expect(top[0]).toMatchObject({ id: o.id, observed: seen, shares });
    // Reposts are never "most shared posts" themselves; unshared posts are left out.
    expect(top.map((x) => x.id)).toEqual([o.id]);
  });
});

describe('voices', () => {
  test('new and repeat voices are distinct authors; reposters are not voices', () => {
    const posts = [
      post({ authorId: 'ann', authorFollowers: 10 }),
      post({ authorId: 'ann', authorFollowers: 12 }),
      post({ authorId: 'bob', authorFollowers: 5000 }),
      post({ authorId: 'cid' }),
      post({ authorId: 'dan', kind: 'repost' }),
      post({ authorId: 'ann', source: 'bsky' }),
    ];
    const v = voices(posts, new Set([authorKey('x', 'cid')]));
    expect(v).toMatchObject({ total: 4, new: 3, repeat: 1, newShare: 0.75 });
    expect(v.loudestNew.map((a) => [a.source, a.authorId, a.followers, a.posts])).toEqual([
      ['x', 'bob', 5000, 1],
      ['x', 'ann', 12, 2],
      ['bsky', 'ann', null, 1],
    ]);
    expect(voices([], new Set()).newShare).toBeNull();
  });
});

describe('the SQL prefilter', () => {
  test.each([
    { query: 'flight', expected: { type: 'contains', value: 'flight' } },
    { query: '"flight 212" OR #EK212', expected: { type: 'or', children: [{ type: 'and', children: [{ type: 'contains', value: 'flight' }, { type: 'contains', value: '212' }] }, { type: 'contains', value: 'ek212' }] } },
    { query: 'acme* -refund lang:en', expected: { type: 'and', children: [{ type: 'contains', value: 'acme' }, { type: 'lang', value: 'en' }] } },
    { query: 'from:@Bob', expected: { type: 'from', value: 'bob' } },
    { query: 'landing OR -delay', expected: null },
    { query: '-delay', expected: null },
    { query: 'engine NEAR/2 fire', expected: { type: 'and', children: [{ type: 'contains', value: 'engine' }, { type: 'contains', value: 'fire' }] } },
  ])('$query filters by $expected', ({ query, expected }) => {
    const parsed = parseQuery(query);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(prefilter(parsed.query)).toEqual(expected);
  });

  // The prefilter must never drop a post the matcher accepts: check it against the matcher itself.
  const passes = (f: ReturnType<typeof prefilter>, p: { text: string; authorHandle: string | null; lang: string | null }): boolean => {
    if (f === null) return true;
    const text = p.text.replace(/['’]/g, '').toLowerCase();
    switch (f.type) {
      case 'contains':
        return text.includes(f.value);
      case 'lang':
        return p.lang === f.value || (p.lang ?? '').startsWith(`${f.value}-`);
      case 'from':
        return (p.authorHandle ?? '').toLowerCase().replace(/^@/, '') === f.value;
      case 'and':
        return f.children.every((c) => passes(c, p));
      case 'or':
        return f.children.some((c) => passes(c, p));
    }
  };
  test.each([
    { query: 'dont', text: 'I don’t believe it' },
    { query: "acme's", text: "ACME's new plane" },
    { query: '"flight 212"', text: 'Flight-212 landed' },
    { query: '#EK212 OR from:bob', text: 'watching #ek212 now' },
    { query: 'engine NEAR/2 fire', text: 'fire in the engine' },
  ])('a post the matcher accepts for $query passes the prefilter', ({ query, text }) => {
    const parsed = parseQuery(query);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const p = { text, authorHandle: 'bob', lang: 'en' };
    expect(compileQuery(parsed.query)(p)).toBe(true);
    expect(passes(prefilter(parsed.query), p)).toBe(true);
  });

  test.each([
    { value: 'flight', pattern: '%flight%' },
    { value: '50%_off', pattern: '%50\\%\\_off%' },
    { value: 'école', pattern: '%_cole%' },
  ])('$value becomes the LIKE pattern $pattern', ({ value, pattern }) => {
    expect(likePattern(value)).toBe(pattern);
  });

  test.each([
    { value: 'dont', hides: true },
    { value: 'obrien', hides: true },
    { value: '212', hides: false },
    { value: 'ek212', hides: false },
    { value: 'a', hides: false },
  ])('the word $value may stand for a text word with an apostrophe: $hides', ({ value, hides }) => {
    expect(mayHideApostrophe(value)).toBe(hides);
  });
});

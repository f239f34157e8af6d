import { expect, test } from 'vitest';
import { analyzePosts, analyzePostsYielding, type PostAnalyzer } from '../../server/pipeline/analyzer';
import { makePost, wordAnalyzer } from '../support/posts';

/** The word analyzer, counting how often each engine is asked. */
function counting(): { analyzer: PostAnalyzer; calls: { analyze: number; references: number; dedupe: number; match: number } } {
  const inner = wordAnalyzer({ acme: 1 });
  const calls = { analyze: 0, references: 0, dedupe: 0, match: 0 };
  return {
    calls,
    analyzer: {
      matchSubjects: (p) => (calls.match++, p.author.handle === 'acme' ? [1] : inner.matchSubjects(p)),
      analyze: (t, l) => (calls.analyze++, inner.analyze(t, l)),
      references: (t) => (calls.references++, inner.references(t)),
      dedupeKey: (t) => (calls.dedupe++, inner.dedupeKey(t)),
    },
  };
}

test.each([
  ['at once', (a: PostAnalyzer, p: Parameters<typeof analyzePosts>[1]) => Promise.resolve(analyzePosts(a, p))],
  ['in slices', analyzePostsYielding],
])('copies of one text in a batch are scored once and matched per author (%s)', async (_, run) => {
  const { analyzer, calls } = counting();
  const posts = [
    ...Array.from({ length: 150 }, (_, i) => makePost({ nativeId: `c${i}`, text: 'bad parcel late, order #7' })),
    makePost({ nativeId: 'h', text: 'bad parcel late, order #7', author: { id: 'x', handle: 'acme', name: null, followers: null } }),
    makePost({ nativeId: 'de', text: 'bad parcel late, order #7', lang: 'de' }),
    makePost({ nativeId: 'other', text: 'good acme' }),
  ];
  const analyzed = await run(analyzer, posts);
  // One text in two languages, and one other text.
  expect(calls).toEqual({ analyze: 3, references: 3, dedupe: 3, match: posts.length });
  expect(analyzed.map((a) => a.post.nativeId)).toEqual(posts.map((p) => p.nativeId));
  expect(analyzed[0]).toMatchObject({ subjectIds: [], analysis: { label: 'negative' }, references: [{ type: 'order', value: '7' }] });
  expect(analyzed[150]!.subjectIds).toEqual([1]);
  expect(analyzed[152]).toMatchObject({ subjectIds: [1], analysis: { label: 'positive' } });
});

test('each batch asks the engines afresh, so reloaded corrections apply to the next batch', () => {
  const { analyzer, calls } = counting();
  const batch = [makePost({ nativeId: '1', text: 'bad acme' }), makePost({ nativeId: '2', text: 'bad acme' })];
  analyzePosts(analyzer, batch);
  analyzePosts(analyzer, batch);
  expect(calls.analyze).toBe(2);
});

test('when no query reads the author, copies of a text in one language are matched once too', () => {
  const { analyzer, calls } = counting();
  const textOnly: PostAnalyzer = { ...analyzer, matchReadsAuthor: () => false };
  const posts = [
    ...Array.from({ length: 5 }, (_, i) => makePost({ nativeId: `t${i}`, text: 'good acme' })),
    makePost({ nativeId: 'de', text: 'good acme', lang: 'de' }),
    makePost({ nativeId: 'other', text: 'bad parcel' }),
  ];
  const analyzed = analyzePosts(textOnly, posts);
  // 'good acme' in en and in de, and 'bad parcel': three texts, three matches.
  expect(calls.match).toBe(3);
  expect(analyzed.map((a) => a.subjectIds)).toEqual([[1], [1], [1], [1], [1], [1], []]);
});

test('an analyzer that reads the author (or does not say) is asked per post', () => {
  const { analyzer, calls } = counting();
  const posts = Array.from({ length: 4 }, (_, i) => makePost({ nativeId: `a${i}`, text: 'good acme' }));
  analyzePosts({ ...analyzer, matchReadsAuthor: () => true }, posts);
  expect(calls.match).toBe(4);
});

import { sql } from 'kysely';
import { expect, test, beforeAll } from 'vitest';
import type { Analysis } from '../../shared/domain';
import { addToSketch, emptySketch } from '../../server/analysis/hll';
import { rollupDeltas } from '../../server/analysis/rollups';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import type { PostAnalyzer } from '../../server/pipeline/analyzer';
import { ingestBatch } from '../../server/pipeline/ingest';
import { seededRandom } from '../../server/sources/demo/random';
import { describeEachDatabase } from '../support/databases';
import { makePost, wordAnalyzer } from '../support/posts';

const source = { id: 'test', kind: 'test' };
const now = new Date('2026-03-02T12:00:00Z');

describeEachDatabase('ingestBatch', (db) => {
  let analyzer: ReturnType<typeof wordAnalyzer>;
  beforeAll(async () => {
    const acme = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    const kestrel = await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel', query: 'kestrel' });
    analyzer = wordAnalyzer({ acme: acme.id, kestrel: kestrel.id });
  });

  test('stores posts, links subjects, counts rollups and saves the cursor in one go', async () => {
    const posts = [
      makePost({ nativeId: '1', text: 'bad acme parcel late, order #123', author: { id: 'u1', handle: 'u1', name: null, followers: 5 } }),
      makePost({ nativeId: '2', text: 'good acme and kestrel', author: { id: 'u2', handle: null, name: null, followers: null } }),
      makePost({ nativeId: '3', text: 'nothing to see', author: { id: 'u3', handle: null, name: null, followers: null } }),
    ];
    const r = await ingestBatch(db().db, analyzer, source, { posts, cursor: { page: 1 } }, now);
    expect(r.stored).toHaveLength(3);
    expect(await loadCursor(db().db, 'test')).toEqual({ page: 1 });

    const stored = await db().db.selectFrom('posts').select(['native_id', 'sentiment_label', 'refs']).orderBy('native_id').execute();
    expect(stored.map((p) => p.sentiment_label)).toEqual(['negative', 'positive', 'neutral']);
    expect(stored[0]!.refs).toEqual([{ type: 'order', value: '123' }]);

    const rollups = await db().db.selectFrom('rollups').selectAll().orderBy('subject_id').execute();
    expect(rollups.map((r) => [r.posts, r.authors, r.negative, r.positive])).toEqual([
      [2, 2, 1, 1],
      [1, 1, 0, 1],
    ]);
    const aspects = await db().db.selectFrom('rollup_aspects').selectAll().execute();
    expect(aspects).toHaveLength(1);
    expect(aspects[0]).toMatchObject({ aspect: 'delivery', mentions: 1, negative: 1 });
    // Only posts about a subject go on to the derive step.
    const queued = await db().db.selectFrom('derive_queue').select('post_id').execute();
    expect(queued).toHaveLength(2);
  });

  test('every field of a post and of its analysis lands in its own column, nulls as SQL nulls', async () => {
    const full = makePost({
      nativeId: 'cols1',
      url: 'https://example.test/p/1',
      author: { id: 'u9', handle: 'nine', name: 'Nine "Quoted" Nein', followers: 42 },
      createdAt: new Date('2026-03-02T10:15:30.123Z'),
      text: 'bad acme, late, order #77 — ünïcode ✓',
      kind: 'reply',
      parentNativeId: 'p0',
      metrics: { likes: 3, reposts: 1 },
    });
    const bare = makePost({ nativeId: 'cols2', text: 'acme', kind: 'repost', repostOfNativeId: 'cols1', lang: null });
    const rich = { ...analyzer, analyze: (text: string, lang: string | null) => ({ ...analyzer.analyze(text, lang), rationale: [{ feature: 'bad', weight: -0.5 }] }) };
    await ingestBatch(db().db, rich, { id: 'cols', kind: 'test' }, { posts: [full, bare], cursor: null }, now);
    const rows = await db().db.selectFrom('posts').selectAll().where('source', '=', 'cols').orderBy('native_id').execute();
    expect(rows.map(({ id: _id, ingested_at: _at, ...r }) => r)).toEqual([
      {
        source: 'cols', native_id: 'cols1', url: 'https://example.test/p/1', author_id: 'u9', author_handle: 'nine', author_name: 'Nine "Quoted" Nein',
        author_followers: 42, created_at: new Date('2026-03-02T10:15:30.123Z'), text: 'bad acme, late, order #77 — ünïcode ✓', lang: 'en', kind: 'reply',
        parent_native_id: 'p0', repost_of_native_id: null, metrics: { likes: 3, reposts: 1 }, dedupe_key: 'bad acme late order 77 n code',
        sentiment_score: -0.5, sentiment_label: 'negative', sentiment_confidence: 0.9, aspects: [{ aspect: 'delivery', polarity: -1 }], intent: 'complaint',
        rationale: [{ feature: 'bad', weight: -0.5 }], refs: [{ type: 'order', value: '77' }], deleted_at: null, edited_at: null,
      },
      {
        source: 'cols', native_id: 'cols2', url: null, author_id: 'a-cols2', author_handle: null, author_name: null,
        author_followers: null, created_at: new Date('2026-03-02T10:15:00Z'), text: 'acme', lang: 'en', kind: 'repost',
        parent_native_id: null, repost_of_native_id: 'cols1', metrics: null, dedupe_key: 'acme',
        sentiment_score: 0, sentiment_label: 'neutral', sentiment_confidence: 0.9, aspects: [], intent: 'other',
        rationale: [{ feature: 'bad', weight: -0.5 }], refs: [], deleted_at: null, edited_at: null,
      },
    ]);
    const metricsIsNull = await sql<{ n: number }>`select count(*)::int as n from posts where source = 'cols' and metrics is null`.execute(db().db);
    expect(metricsIsNull.rows[0]!.n).toBe(1);
  });

  test('a batch delivered twice is stored once and counted once', async () => {
    const posts = [makePost({ nativeId: '10', text: 'bad kestrel housing', createdAt: new Date('2026-03-02T11:00:00Z') })];
    await ingestBatch(db().db, analyzer, source, { posts, cursor: { page: 2 } }, now);
    const again = await ingestBatch(db().db, analyzer, source, { posts: [...posts, ...posts], cursor: { page: 2 } }, now);
    expect(again.stored).toHaveLength(0);
    expect(again.duplicates).toBe(2);
    const rollup = await db()
      .db.selectFrom('rollups')
      .selectAll()
      .where('bucket', '=', new Date('2026-03-02T11:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(rollup.posts).toBe(1);
  });

  test('reposts count as amplification, not as new voices', async () => {
    const at = new Date('2026-03-03T09:00:00Z');
    const posts = [
      makePost({ nativeId: '20', text: 'good acme', createdAt: at, author: { id: 'orig', handle: null, name: null, followers: null } }),
      makePost({ nativeId: '21', text: 'RT good acme', kind: 'repost', repostOfNativeId: '20', createdAt: at, author: { id: 'fan', handle: null, name: null, followers: null } }),
    ];
    await ingestBatch(db().db, analyzer, source, { posts, cursor: null }, now);
    const r = await db().db.selectFrom('rollups').selectAll().where('bucket', '=', at).executeTakeFirstOrThrow();
    expect([r.posts, r.reposts, r.authors, r.positive]).toEqual([1, 1, 1, 1]);
  });

  test('a post deleted at the network is marked deleted and taken out of the counts', async () => {
    const at = new Date('2026-03-04T09:00:00Z');
    await ingestBatch(db().db, analyzer, source, { posts: [makePost({ nativeId: '30', text: 'bad acme', createdAt: at })], cursor: null }, now);
    const r = await ingestBatch(db().db, analyzer, source, { posts: [], deletes: ['30', '30', 'unknown'], cursor: null }, now);
    expect(r.deleted).toBe(1);
    const post = await db().db.selectFrom('posts').select('deleted_at').where('native_id', '=', '30').executeTakeFirstOrThrow();
    expect(post.deleted_at).not.toBeNull();
    const rollup = await db().db.selectFrom('rollups').selectAll().where('bucket', '=', at).executeTakeFirstOrThrow();
    expect([rollup.posts, rollup.negative]).toEqual([0, 0]);
  });

  test('one batch that adds a post and deletes another of the same subject and hour is stored, not refused', async () => {
    const at = new Date('2026-03-05T09:00:00Z');
    await ingestBatch(db().db, analyzer, source, { posts: [makePost({ nativeId: '40', text: 'bad acme', createdAt: at })], cursor: null }, now);
    const r = await ingestBatch(db().db, analyzer, source, { posts: [makePost({ nativeId: '41', text: 'good acme', createdAt: new Date(at.getTime() + 60_000) })], deletes: ['40'], cursor: { n: 41 } }, now);
    expect([r.stored.length, r.deleted]).toEqual([1, 1]);
    const rollup = await db().db.selectFrom('rollups').selectAll().where('bucket', '=', at).executeTakeFirstOrThrow();
    expect([rollup.posts, rollup.negative, rollup.positive]).toEqual([1, 0, 1]);
    expect(await loadCursor(db().db, source.id)).toEqual({ n: 41 });
  });

  test('a NUL byte in a post is dropped, not allowed to fail the whole batch', async () => {
    const r = await ingestBatch(db().db, analyzer, source, { posts: [makePost({ nativeId: 'nul1', text: 'acme\u0000 bad', author: { id: 'n', handle: 'x\u0000y', name: null, followers: null } }), makePost({ nativeId: 'nul2', text: 'acme fine' })], cursor: null }, now);
    expect(r.stored).toHaveLength(2);
    const row = await db().db.selectFrom('posts').select(['text', 'author_handle']).where('native_id', '=', 'nul1').executeTakeFirstOrThrow();
    expect(row).toEqual({ text: 'acme bad', author_handle: 'xy' });
  });

  test('a failure inside the batch stores nothing and keeps the old cursor', async () => {
    await ingestBatch(db().db, analyzer, { id: 'flaky', kind: 'test' }, { posts: [makePost({ nativeId: 'f1', text: 'acme' })], cursor: { n: 1 } }, now);
    const broken = { ...analyzer, dedupeKey: () => 'x'.repeat(10) };
    const bad = makePost({ nativeId: 'f2', text: 'acme', createdAt: new Date('invalid') });
    await expect(ingestBatch(db().db, broken, { id: 'flaky', kind: 'test' }, { posts: [makePost({ nativeId: 'f3', text: 'acme' }), bad], cursor: { n: 2 } }, now)).rejects.toThrow();
    expect(await loadCursor(db().db, 'flaky')).toEqual({ n: 1 });
    const ids = await db().db.selectFrom('posts').select('native_id').where('source', '=', 'flaky').execute();
    expect(ids.map((r) => r.native_id)).toEqual(['f1']);
  });
});

describeEachDatabase('distinct authors over long ranges', (db) => {
  test('daily sketches estimate the distinct authors of a week, and re-delivery does not inflate them', async () => {
    const { estimateAuthors } = await import('../../server/db/repositories/rollups.repository');
    const s = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    const analyzer = wordAnalyzer({ acme: s.id });
    const day = (d: number, h: number) => new Date(Date.UTC(2026, 3, 1 + d, h));
    // 300 authors each post on several days: 300 distinct authors, 1,500 posts.
    const posts = Array.from({ length: 1500 }, (_, i) =>
      makePost({ nativeId: `s${i}`, text: 'acme', createdAt: day(i % 5, i % 24), author: { id: `author${i % 300}`, handle: null, name: null, followers: null } }),
    );
    for (let i = 0; i < posts.length; i += 500) await ingestBatch(db().db, analyzer, source, { posts: posts.slice(i, i + 500), cursor: null }, now);
    const estimate = (await estimateAuthors(db().db, day(0, 0), day(7, 0))).get(s.id)!;
    expect(Math.abs(estimate - 300)).toBeLessThanOrEqual(15);
    await ingestBatch(db().db, analyzer, { id: 'other', kind: 'test' }, { posts: posts.slice(0, 500).map((p) => ({ ...p, nativeId: `again-${p.nativeId}` })), cursor: null }, now);
    expect((await estimateAuthors(db().db, day(0, 0), day(7, 0))).get(s.id)).toBe(estimate);
  });
});

describeEachDatabase('rollups written with the batch', (db) => {
  test('are the sums analysis/rollups.ts defines, and the day sketches are the ones analysis/hll.ts builds', async () => {
    const alpha = await insertSubject(db().db, { kind: 'company', name: 'Alpha', query: 'alpha' });
    const beta = await insertSubject(db().db, { kind: 'supplier', name: 'Beta', query: 'beta' });
    const random = seededRandom(5);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const labels = ['positive', 'negative', 'neutral', 'unscored', null] as const;
    const aspectNames = ['delivery', 'quality', 'price'];
    // Originals, replies and reposts about one subject, the other or both, every label (and none),
    // with and without a score and aspects, over two days, by 120 authors who post more than once.
    // Reposters are nobody else, so a repost counted as a voice would show.
    const posts = Array.from({ length: 700 }, (_, i) => {
      const kind = pick(['original', 'original', 'reply', 'repost'] as const);
      return makePost({
        nativeId: `r${i}`,
        text: `${pick(['alpha', 'beta', 'alpha beta', 'neither'])} #${i}`,
        kind,
        createdAt: new Date(Date.UTC(2026, 4, 1 + (i % 2), Math.floor(random() * 24), Math.floor(random() * 60))),
        author: { id: kind === 'repost' ? `fan${i}` : `u${Math.floor(random() * 120)}`, handle: null, name: null, followers: null },
      });
    });
    const analyses = new Map(
      posts.map((p) => {
        const label = pick(labels);
        const aspects = aspectNames.filter(() => random() < 0.3).map((aspect) => ({ aspect, polarity: random() < 0.5 ? -0.5 : 0.5 }));
        return [p.text, { score: random() < 0.1 ? null : Math.round((random() * 2 - 1) * 1000) / 1000, label, confidence: 0.5, lang: 'en', rationale: [], aspects, intent: null }];
      }),
    );
    const analyzer: PostAnalyzer = {
      ...wordAnalyzer({ alpha: alpha.id, beta: beta.id }),
      analyze: (text) => analyses.get(text)! as unknown as Analysis,
    };
    // In batches of 200, one of them delivered twice and one overlapping the next: nothing counts twice.
    const batches = [posts.slice(0, 200), posts.slice(0, 200), posts.slice(150, 400), posts.slice(400, 700)];
    for (const batch of batches) await ingestBatch(db().db, analyzer, { id: 'sums', kind: 'test' }, { posts: batch, cursor: null }, now);

    const expected = rollupDeltas(
      posts.flatMap((p) => {
        const a = analyses.get(p.text)!;
        const subjectIds = analyzer.matchSubjects(p);
        return subjectIds.length ? [{ subjectIds, createdAt: p.createdAt, kind: p.kind, authorId: p.author.id, label: a.label, score: a.score, aspects: a.aspects }] : [];
      }),
    );
    const rollups = await db().db.selectFrom('rollups').selectAll().where('subject_id', 'in', [alpha.id, beta.id]).orderBy('subject_id').orderBy('bucket').execute();
    expect(rollups.map(({ score_sum, ...r }) => ({ ...r, score_sum: Math.round(score_sum * 1e9) / 1e9 }))).toEqual(
      expected.map((d) => ({
        subject_id: d.subjectId, bucket: d.bucket, posts: d.posts, reposts: d.reposts, authors: d.authors.size,
        positive: d.positive, negative: d.negative, neutral: d.neutral, unscored: d.unscored, score_sum: Math.round(d.scoreSum * 1e9) / 1e9,
      })),
    );
    const aspects = await db().db.selectFrom('rollup_aspects').select(['subject_id', 'bucket', 'aspect', 'mentions', 'negative']).where('subject_id', 'in', [alpha.id, beta.id]).orderBy('subject_id').orderBy('bucket').orderBy('aspect').execute();
    expect(aspects).toEqual(
      expected.flatMap((d) => [...d.aspects].sort(([x], [y]) => (x < y ? -1 : 1)).map(([aspect, m]) => ({ subject_id: d.subjectId, bucket: d.bucket, aspect, ...m }))),
    );

    const sketches = await db().db.selectFrom('rollup_author_days').selectAll().where('subject_id', 'in', [alpha.id, beta.id]).orderBy('subject_id').orderBy('day').execute();
    const built = new Map<string, Uint8Array>();
    for (const d of expected) {
      const key = `${d.subjectId} ${new Date(Math.floor(d.bucket.getTime() / 86_400_000) * 86_400_000).toISOString()}`;
      const sketch = built.get(key) ?? emptySketch();
      for (const author of d.authors) addToSketch(sketch, author);
      built.set(key, sketch);
    }
    expect(sketches.map((s) => `${s.subject_id} ${s.day.toISOString()}`)).toEqual([...built.keys()]);
    for (const s of sketches) expect(Buffer.from(s.sketch).equals(Buffer.from(built.get(`${s.subject_id} ${s.day.toISOString()}`)!))).toBe(true);
  });
});

describeEachDatabase('two sources writing at once', (db) => {
  test('both land in the rollups and in the day sketch they both create', async () => {
    const s = await insertSubject(db().db, { kind: 'company', name: 'Gamma', query: 'gamma' });
    const analyzer = wordAnalyzer({ gamma: s.id });
    // Five days no sketch exists for yet, each written by both sources in the same instant.
    const days = [10, 11, 12, 13, 14].map((d) => new Date(Date.UTC(2026, 5, d, 12)));
    const batch = (source: string) =>
      days.flatMap((at, d) => Array.from({ length: 40 }, (_, i) => makePost({ nativeId: `${source}${d}-${i}`, text: 'good gamma', createdAt: at, author: { id: `${source}-author${i}`, handle: null, name: null, followers: null } })));
    await Promise.all(['left', 'right'].map((source) => ingestBatch(db().db, analyzer, { id: source, kind: 'test' }, { posts: batch(source), cursor: null }, now)));

    const rollups = await db().db.selectFrom('rollups').select(['posts', 'authors']).where('subject_id', '=', s.id).orderBy('bucket').execute();
    expect(rollups).toEqual(days.map(() => ({ posts: 80, authors: 80 })));
    const expected = emptySketch();
    for (const source of ['left', 'right']) for (let i = 0; i < 40; i++) addToSketch(expected, `${source}-author${i}`);
    const sketches = await db().db.selectFrom('rollup_author_days').select('sketch').where('subject_id', '=', s.id).execute();
    expect(sketches).toHaveLength(5);
    for (const { sketch } of sketches) expect(Buffer.from(sketch).equals(Buffer.from(expected))).toBe(true);
  });
});

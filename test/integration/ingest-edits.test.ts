import { sql } from 'kysely';
import { beforeAll, expect, test } from 'vitest';
import { correctLabel } from '../../server/db/repositories/corrections.repository';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import { ingestBatch } from '../../server/pipeline/ingest';
import type { NormalizedPost } from '../../server/sources/source';
import { describeEachDatabase } from '../support/databases';
import { makePost, wordAnalyzer } from '../support/posts';

const now = new Date('2026-03-02T12:00:00Z');
const at = new Date('2026-03-06T09:20:00Z');
const hour = new Date('2026-03-06T09:00:00Z');
const edit = (post: NormalizedPost, text: string, minutesLater: number) => ({ post: { ...post, text }, editedAt: new Date(post.createdAt.getTime() + minutesLater * 60_000) });

describeEachDatabase('edits at the network', (db) => {
  let acme: number;
  let kestrel: number;
  let analyzer: ReturnType<typeof wordAnalyzer>;
  beforeAll(async () => {
    acme = (await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' })).id;
    kestrel = (await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel', query: 'kestrel' })).id;
    analyzer = wordAnalyzer({ acme, kestrel });
  });

  const row = (source: string, nativeId: string) =>
    db()
      .db.selectFrom('posts')
      .select(['id', 'text', 'sentiment_label', 'refs', 'dedupe_key', 'aspects', 'edited_at', 'created_at'])
      .where('source', '=', source)
      .where('native_id', '=', nativeId)
      .executeTakeFirst();
  const subjectsOf = async (postId: number) => (await db().db.selectFrom('post_subjects').select('subject_id').where('post_id', '=', postId).orderBy('subject_id').execute()).map((r) => r.subject_id);
  const rollup = (subjectId: number) =>
    db().db.selectFrom('rollups').select(['posts', 'negative', 'positive', 'neutral', 'authors']).where('subject_id', '=', subjectId).where('bucket', '=', hour).executeTakeFirst();
  const aspects = (subjectId: number) =>
    db().db.selectFrom('rollup_aspects').select(['aspect', 'mentions', 'negative']).where('subject_id', '=', subjectId).where('bucket', '=', hour).orderBy('aspect').execute();
  const queued = async (postId: number) => (await db().db.selectFrom('derive_queue').select('post_id').where('post_id', '=', postId).execute()).length;

  test('an edit replaces the text, is analysed again, and moves its links, counts and aspects to the new analysis', async () => {
    const source = { id: 'edit-1', kind: 'test' };
    const post = makePost({ nativeId: 'e1', text: 'bad acme parcel late, order #11', createdAt: at, author: { id: 'writer', handle: null, name: null, followers: null } });
    const other = makePost({ nativeId: 'e0', text: 'good acme', createdAt: at });
    await ingestBatch(db().db, analyzer, source, { posts: [post, other], cursor: { n: 1 } }, now);
    const before = (await row('edit-1', 'e1'))!;
    await sql`delete from derive_queue where post_id = ${before.id}`.execute(db().db);
    expect([await rollup(acme), await rollup(kestrel), await aspects(acme)]).toEqual([
      { posts: 2, negative: 1, positive: 1, neutral: 0, authors: 2 },
      undefined,
      [{ aspect: 'delivery', mentions: 1, negative: 1 }],
    ]);

    const r = await ingestBatch(db().db, analyzer, source, { posts: [], edits: [edit(post, 'good kestrel now, order #12', 5)], cursor: { n: 2 } }, now);
    expect([r.edited, r.stored.length]).toEqual([1, 0]);
    const after = (await row('edit-1', 'e1'))!;
    expect(after).toMatchObject({ id: before.id, text: 'good kestrel now, order #12', sentiment_label: 'positive', refs: [{ type: 'order', value: '12' }], dedupe_key: 'good kestrel now order 12', aspects: [] });
    expect(after.edited_at).toEqual(new Date(at.getTime() + 5 * 60_000));
    expect(after.created_at).toEqual(at);
    expect(await subjectsOf(after.id)).toEqual([kestrel]);
    // Acme keeps the other post; the edited one now counts for Kestrel, as praise, with no aspect.
    expect([await rollup(acme), await rollup(kestrel), await aspects(acme)]).toEqual([
      { posts: 1, negative: 0, positive: 1, neutral: 0, authors: 2 },
      { posts: 1, negative: 0, positive: 1, neutral: 0, authors: 1 },
      [{ aspect: 'delivery', mentions: 0, negative: 0 }],
    ]);
    expect(await queued(after.id)).toBe(1);
    expect(await loadCursor(db().db, 'edit-1')).toEqual({ n: 2 });
  });

  test('an edit no newer than the stored version (a replay after a resume) changes nothing', async () => {
    const source = { id: 'edit-2', kind: 'test' };
    const at2 = new Date('2026-03-06T11:20:00Z');
    const post = makePost({ nativeId: 'e2', text: 'bad acme', createdAt: at2 });
    const counts = () => db().db.selectFrom('rollups').select(['posts', 'negative', 'positive', 'neutral']).where('subject_id', '=', acme).where('bucket', '=', new Date('2026-03-06T11:00:00Z')).executeTakeFirstOrThrow();
    await ingestBatch(db().db, analyzer, source, { posts: [post], cursor: null }, now);
    await ingestBatch(db().db, analyzer, source, { posts: [], edits: [edit(post, 'good acme', 10)], cursor: null }, now);
    // The create and the same edit again, and an older edit arriving late: none of it is news.
    const replay = await ingestBatch(db().db, analyzer, source, { posts: [post], edits: [edit(post, 'good acme', 10), edit(post, 'bad acme again', 3)], cursor: null }, now);
    expect([replay.edited, replay.stored.length]).toEqual([0, 0]);
    expect((await row('edit-2', 'e2'))!.text).toBe('good acme');
    expect(await counts()).toEqual({ posts: 1, negative: 0, positive: 1, neutral: 0 });
    // Two versions in one batch: the newer wins whatever their order.
    const both = await ingestBatch(db().db, analyzer, source, { posts: [], edits: [edit(post, 'neutral acme v4', 40), edit(post, 'bad acme v3', 30)], cursor: null }, now);
    expect(both.edited).toBe(1);
    expect((await row('edit-2', 'e2'))!.text).toBe('neutral acme v4');
    expect(await counts()).toEqual({ posts: 1, negative: 0, positive: 0, neutral: 1 });
  });

  test('an edit of a post never stored is stored when it now matches, and not when it does not (for a source that keeps only matches)', async () => {
    const source = { id: 'edit-3', kind: 'test', matchedOnly: true };
    const quiet = makePost({ nativeId: 'e3', text: 'nothing here', createdAt: at });
    const still = makePost({ nativeId: 'e4', text: 'still nothing', createdAt: at });
    const first = await ingestBatch(db().db, analyzer, source, { posts: [quiet, still], cursor: null }, now);
    expect(first.stored).toHaveLength(0);
    const r = await ingestBatch(db().db, analyzer, source, { posts: [], edits: [edit(quiet, 'bad acme after all', 2), edit(still, 'still nothing at all', 2)], cursor: { n: 3 } }, now);
    expect([r.stored.length, r.edited]).toEqual([1, 0]);
    const stored = (await row('edit-3', 'e3'))!;
    expect(stored).toMatchObject({ text: 'bad acme after all', sentiment_label: 'negative', edited_at: new Date(at.getTime() + 2 * 60_000) });
    expect(await subjectsOf(stored.id)).toEqual([acme]);
    expect(await queued(stored.id)).toBe(1);
    expect(await row('edit-3', 'e4')).toBeUndefined();
    expect(await loadCursor(db().db, 'edit-3')).toEqual({ n: 3 });
  });

  test("an analyst's label correction survives an edit, and the counts keep it", async () => {
    const source = { id: 'edit-4', kind: 'test' };
    const at4 = new Date('2026-03-07T15:10:00Z');
    const post = makePost({ nativeId: 'e5', text: 'bad acme service', createdAt: at4 });
    const r = await ingestBatch(db().db, analyzer, source, { posts: [post], cursor: null }, now);
    await correctLabel(db().db, r.stored[0]!.id, 'neutral', null);
    await ingestBatch(db().db, analyzer, source, { posts: [], edits: [{ post: { ...post, text: 'bad acme service, order #99' }, editedAt: new Date(at4.getTime() + 60_000) }], cursor: null }, now);
    const after = (await row('edit-4', 'e5'))!;
    expect(after).toMatchObject({ text: 'bad acme service, order #99', sentiment_label: 'neutral', refs: [{ type: 'order', value: '99' }] });
    const counts = await db().db.selectFrom('rollups').select(['posts', 'negative', 'neutral']).where('subject_id', '=', acme).where('bucket', '=', new Date('2026-03-07T15:00:00Z')).executeTakeFirstOrThrow();
    expect(counts).toEqual({ posts: 1, negative: 0, neutral: 1 });
  });

  test('a post created, edited and deleted in one batch ends deleted and counted nowhere; an edit of a deleted post changes nothing', async () => {
    const source = { id: 'edit-5', kind: 'test' };
    const at5 = new Date('2026-03-08T10:05:00Z');
    const post = makePost({ nativeId: 'e6', text: 'bad acme', createdAt: at5 });
    await ingestBatch(db().db, analyzer, source, { posts: [post], edits: [{ post: { ...post, text: 'good kestrel' }, editedAt: new Date(at5.getTime() + 1000) }], deletes: ['e6'], cursor: null }, now);
    const stored = (await row('edit-5', 'e6'))!;
    expect(stored.text).toBe('good kestrel');
    const total = async () =>
      (await sql<{ posts: number }>`select coalesce(sum(posts), 0)::int as posts from rollups where bucket = ${new Date('2026-03-08T10:00:00Z')}`.execute(db().db)).rows[0]!.posts;
    expect(await total()).toBe(0);
    const late = await ingestBatch(db().db, analyzer, source, { posts: [], edits: [{ post: { ...post, text: 'good acme' }, editedAt: new Date(at5.getTime() + 2000) }], cursor: null }, now);
    expect(late.edited).toBe(0);
    expect((await row('edit-5', 'e6'))!.text).toBe('good kestrel');
    expect(await total()).toBe(0);
  });
});

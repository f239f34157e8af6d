import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, test } from 'vitest';
import type { Database } from '../../server/db/tables';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { loadCursor } from '../../server/db/repositories/sources.repository';
import { ingestBatch, ingestBatches, type IngestResult } from '../../server/pipeline/ingest';
import type { NormalizedPost, SourceBatch } from '../../server/sources/source';
import { describeEachDatabase } from '../support/databases';
import { makePost, wordAnalyzer } from '../support/posts';

const now = () => new Date('2026-03-02T12:00:00Z');

function batchesOf(prefix: string, count: number, size: number): SourceBatch[] {
  return Array.from({ length: count }, (_, b) => ({
    posts: Array.from({ length: size }, (_, i): NormalizedPost => {
      const n = b * size + i;
      return makePost({
        nativeId: `${prefix}${n}`,
        text: `${n % 3 === 0 ? 'bad' : 'good'} acme${n % 2 === 0 ? ' and kestrel' : ''} ${n % 5 === 0 ? 'late' : ''}`,
        author: { id: `u${n % 7}`, handle: null, name: null, followers: null },
        createdAt: new Date(Date.UTC(2026, 2, 1, n % 30)),
      });
    }),
    cursor: { batch: b },
  }));
}

async function summary(db: Kysely<Database>, source: string) {
  const r = await sql<Record<string, number>>`select
    (select count(*)::int from posts where source = ${source}) as posts,
    (select count(*)::int from post_subjects ps join posts p on p.id = ps.post_id where p.source = ${source}) as links,
    (select count(*)::int from derive_queue q join posts p on p.id = q.post_id where p.source = ${source}) as queued`.execute(db);
  return r.rows[0]!;
}

describeEachDatabase('ingestBatches', (db) => {
  let analyzer: ReturnType<typeof wordAnalyzer>;
  beforeAll(async () => {
    const acme = await insertSubject(db().db, { kind: 'company', name: 'Acme', query: 'acme' });
    const kestrel = await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel', query: 'kestrel' });
    analyzer = wordAnalyzer({ acme: acme.id, kestrel: kestrel.id });
  });

  test('batches written while the next is analysed give the same store as one batch at a time', async () => {
    const rollups = async () => (await sql<Record<string, number>>`select subject_id, bucket, posts, authors, negative, positive from rollups order by subject_id, bucket`.execute(db().db)).rows;
    for (const b of batchesOf('one-', 6, 40)) await ingestBatch(db().db, analyzer, { id: 'one', kind: 'test' }, b, now());
    const oneAtATime = await rollups();
    await sql`delete from rollups`.execute(db().db);
    await sql`delete from rollup_authors`.execute(db().db);

    const results: IngestResult[] = [];
    await ingestBatches(db().db, analyzer, { id: 'piped', kind: 'test' }, batchesOf('piped-', 6, 40), now, (r) => results.push(r));
    expect(results.map((r) => r.stored.length)).toEqual([40, 40, 40, 40, 40, 40]);
    expect(await loadCursor(db().db, 'piped')).toEqual({ batch: 5 });
    expect(await summary(db().db, 'piped')).toEqual(await summary(db().db, 'one'));
    expect(await rollups()).toEqual(oneAtATime);
  });

  test('a batch that fails to store stops the run there: its cursor is not saved and no later batch is stored', async () => {
    const batches = batchesOf('fail-', 3, 10);
    // A kind the posts table refuses makes the second batch's transaction fail.
    batches[1]!.posts[4] = { ...batches[1]!.posts[4]!, kind: 'bogus' as NormalizedPost['kind'] };
    const stored: number[] = [];
    await expect(ingestBatches(db().db, analyzer, { id: 'fail', kind: 'test' }, batches, now, (r) => stored.push(r.stored.length))).rejects.toThrow();
    expect(stored).toEqual([10]);
    expect(await loadCursor(db().db, 'fail')).toEqual({ batch: 0 });
    expect((await summary(db().db, 'fail')).posts).toBe(10);
  });

  test('a batch that fails only at its commit stops the run there: its cursor is not saved and no later batch is stored', async () => {
    // A deferred check fails the batch holding 'commit-poison' at COMMIT, after its statement ran.
    await sql`create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.native_id = 'commit-poison' then raise exception 'refused at commit'; end if;
        return null;
      end $$`.execute(db().db);
    await sql`create constraint trigger refuse_poison after insert on posts deferrable initially deferred for each row execute function refuse_poison()`.execute(db().db);
    try {
      const batches = batchesOf('commit-', 4, 10);
      batches[1]!.posts[3] = { ...batches[1]!.posts[3]!, nativeId: 'commit-poison' };
      const stored: number[] = [];
      await expect(ingestBatches(db().db, analyzer, { id: 'commit', kind: 'test' }, batches, now, (r) => stored.push(r.stored.length))).rejects.toThrow(/refused at commit/);
      expect(stored).toEqual([10]);
      expect(await loadCursor(db().db, 'commit')).toEqual({ batch: 0 });
      expect(await summary(db().db, 'commit')).toEqual({ posts: 10, links: 15, queued: 10 });
    } finally {
      await sql`drop trigger refuse_poison on posts`.execute(db().db);
      await sql`drop function refuse_poison()`.execute(db().db);
    }
  });

  test('deleting a post or a subject still takes its links and derive work with it', async () => {
    const extra = await insertSubject(db().db, { kind: 'product', name: 'Widget', query: 'widget' });
    const a = wordAnalyzer({ widget: extra.id });
    const r = await ingestBatch(db().db, a, { id: 'cascade', kind: 'test' }, { posts: [makePost({ nativeId: 'c1', text: 'widget one' }), makePost({ nativeId: 'c2', text: 'widget two' })], cursor: null }, now());
    expect(await summary(db().db, 'cascade')).toEqual({ posts: 2, links: 2, queued: 2 });
    const [first, second] = r.stored.map((s) => s.id);
    await sql`delete from posts where id = ${first}`.execute(db().db);
    const left = await sql<{ n: number }>`select count(*)::int as n from derive_queue where post_id = ${first}`.execute(db().db);
    expect(left.rows[0]!.n).toBe(0);
    expect(await summary(db().db, 'cascade')).toEqual({ posts: 1, links: 1, queued: 1 });
    await sql`delete from subjects where id = ${extra.id}`.execute(db().db);
    const links = await sql<{ n: number }>`select count(*)::int as n from post_subjects where post_id = ${second}`.execute(db().db);
    expect(links.rows[0]!.n).toBe(0);
  });

  test('a lone surrogate in hostile text is stored as U+FFFD, as the text driver did, not allowed to fail the batch', async () => {
    const hostile = makePost({ nativeId: 's1', text: 'acme \ud800 broke \\ud800 literally', author: { id: 'x\udc00', handle: '\ud83d', name: null, followers: null } });
    const r = await ingestBatch(db().db, analyzer, { id: 'surrogates', kind: 'test' }, { posts: [hostile], cursor: { s: 1 } }, now());
    expect(r.stored).toHaveLength(1);
    const row = await db().db.selectFrom('posts').select(['text', 'author_id', 'author_handle']).where('source', '=', 'surrogates').executeTakeFirstOrThrow();
    expect(row).toEqual({ text: 'acme \ufffd broke \\ud800 literally', author_id: 'x\ufffd', author_handle: '\ufffd' });
  });
});

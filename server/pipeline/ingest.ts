/**
 * Stores one batch from one source: analysed posts, their subject links, rollup increments,
 * deletions, derive work and the source's cursor, all in ONE transaction. A crash before the
 * commit leaves the previous cursor, so the batch is fetched again and stored exactly once;
 * a crash after it leaves the new cursor. Inserts are idempotent on (source, native_id).
 */
import type { Kysely } from 'kysely';
import { rollupDeltas, type RollupInput } from '../analysis/rollups';
import { enqueueDerive, insertPosts, linkPostSubjects, markPostsDeleted } from '../db/repositories/posts.repository';
import { applyRollupDeltas } from '../db/repositories/rollups.repository';
import { saveCursor } from '../db/repositories/sources.repository';
import type { Database } from '../db/tables';
import type { SourceBatch } from '../sources/source';
import { analyzePosts, type AnalyzedPost, type PostAnalyzer } from './analyzer';

export const MAX_BATCH = 1000;

export interface StoredPost {
  id: number;
  analyzed: AnalyzedPost;
}

export interface IngestResult {
  stored: StoredPost[];
  duplicates: number;
  deleted: number;
  /** Posts of a `matchedOnly` source that matched no subject and were not stored. */
  unmatched: number;
}

export async function ingestBatch(
  db: Kysely<Database>,
  analyzer: PostAnalyzer,
  source: { id: string; kind: string; matchedOnly?: boolean },
  batch: SourceBatch,
  now: Date,
): Promise<IngestResult> {
  // A source may hand over more than a batch; split so no transaction grows unbounded, and keep the
  // cursor for the last piece so a crash between pieces re-fetches (and skips) the stored ones.
  if (batch.posts.length > MAX_BATCH) {
    const total: IngestResult = { stored: [], duplicates: 0, deleted: 0, unmatched: 0 };
    for (let i = 0; i < batch.posts.length; i += MAX_BATCH) {
      const last = i + MAX_BATCH >= batch.posts.length;
      const part: SourceBatch = { posts: batch.posts.slice(i, i + MAX_BATCH), cursor: batch.cursor, deletes: last ? batch.deletes : [] };
      if (!last) part.cursor = await currentCursor(db, source.id);
      const r = await ingestBatch(db, analyzer, source, part, now);
      total.stored.push(...r.stored);
      total.duplicates += r.duplicates;
      total.deleted += r.deleted;
      total.unmatched += r.unmatched;
    }
    return total;
  }

  const unique = dedupeWithinBatch(batch.posts).map(storable);
  const all = analyzePosts(analyzer, unique);
  // A broad source (a news feed) brings much that is about none of the subjects: not stored.
  const analyzed = source.matchedOnly ? all.filter((a) => a.subjectIds.length > 0) : all;
  const byNativeId = new Map(analyzed.map((a) => [a.post.nativeId, a]));

  return db.transaction().execute(async (trx) => {
    const inserted = await insertPosts(trx, source.id, analyzed);
    const stored = inserted.map((row) => ({ id: row.id, analyzed: byNativeId.get(row.nativeId)! }));
    await linkPostSubjects(
      trx,
      stored.flatMap((s) => s.analyzed.subjectIds.map((subjectId) => ({ postId: s.id, subjectId, createdAt: s.analyzed.post.createdAt }))),
    );
    const deleted = await markPostsDeleted(trx, source.id, batch.deletes ?? [], now);
    await applyRollupDeltas(trx, [
      ...rollupDeltas(stored.map((s) => toRollupInput(s.analyzed))),
      ...rollupDeltas(deleted, -1),
    ]);
    await enqueueDerive(
      trx,
      stored.filter((s) => s.analyzed.subjectIds.length > 0).map((s) => s.id),
    );
    await saveCursor(trx, source.id, source.kind, batch.cursor, stored.length);
    return { stored, duplicates: analyzed.length - stored.length + (batch.posts.length - unique.length), deleted: deleted.length, unmatched: all.length - analyzed.length };
  });
}

function toRollupInput(a: AnalyzedPost): RollupInput {
  return {
    subjectIds: a.subjectIds,
    createdAt: a.post.createdAt,
    kind: a.post.kind,
    authorId: a.post.author.id,
    label: a.analysis.label,
    score: a.analysis.score,
    aspects: a.analysis.aspects,
  };
}

// PostgreSQL text cannot hold NUL; one hostile post must not make a whole batch fail.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NUL = /\u0000/g;
const clean = (v: string | null) => (v === null ? null : v.replace(NUL, ''));

function storable(p: SourceBatch['posts'][number]): SourceBatch['posts'][number] {
  if (!p.text.includes('\u0000') && !p.author.handle?.includes('\u0000') && !p.author.name?.includes('\u0000')) return p;
  return { ...p, text: p.text.replace(NUL, ''), author: { ...p.author, handle: clean(p.author.handle), name: clean(p.author.name) } };
}

function dedupeWithinBatch<T extends { nativeId: string }>(posts: T[]): T[] {
  const seen = new Set<string>();
  return posts.filter((p) => (seen.has(p.nativeId) ? false : (seen.add(p.nativeId), true)));
}

async function currentCursor(db: Kysely<Database>, sourceId: string) {
  const row = await db.selectFrom('source_state').select('cursor').where('id', '=', sourceId).executeTakeFirst();
  return row?.cursor ?? null;
}

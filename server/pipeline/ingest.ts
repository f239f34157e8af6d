/**
 * Stores one batch from one source: analysed posts, their subject links, rollup increments,
 * deletions, derive work and the source's cursor, all in ONE transaction. A crash before the
 * commit leaves the previous cursor, so the batch is fetched again and stored exactly once;
 * a crash after it leaves the new cursor. Inserts are idempotent on (source, native_id).
 */
import type { Kysely } from 'kysely';
import { rollupDeltas } from '../analysis/rollups';
import { encodeBatch, storeBatch, type EncodedBatch } from '../db/repositories/ingest.repository';
import { markPostsDeleted } from '../db/repositories/posts.repository';
import { applyRollupDeltas } from '../db/repositories/rollups.repository';
import type { Database } from '../db/tables';
import type { PostEdit, SourceBatch } from '../sources/source';
import { analyzePosts, analyzePostsYielding, type AnalyzedPost, type PostAnalyzer } from './analyzer';
import { applyEdits, newestEdits, type PreparedEdit } from './edits';

/**
 * Posts per transaction. Each batch pays once for its statement's planning, its commit (a WAL flush)
 * and the rollup, aspect and day-sketch rows it rewrites per subject and hour, so 2,000 cost the
 * database about 5 % less per post than 1,000 (DESIGN.md sketched 1,000). Live streams are not held
 * back by it: they store what they have after about a second, or at their own 500.
 */
export const MAX_BATCH = 2000;

export interface StoredPost {
  id: number;
  analyzed: AnalyzedPost;
}

export interface IngestResult {
  /** New posts, including edits of posts never stored before that the source keeps. */
  stored: StoredPost[];
  duplicates: number;
  /** Stored posts whose text an edit replaced. */
  edited: number;
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
    const total: IngestResult = { stored: [], duplicates: 0, edited: 0, deleted: 0, unmatched: 0 };
    for (let i = 0; i < batch.posts.length; i += MAX_BATCH) {
      const last = i + MAX_BATCH >= batch.posts.length;
      const part: SourceBatch = { posts: batch.posts.slice(i, i + MAX_BATCH), cursor: batch.cursor, edits: last ? batch.edits : [], deletes: last ? batch.deletes : [] };
      if (!last) part.cursor = await currentCursor(db, source.id);
      const r = await ingestBatch(db, analyzer, source, part, now);
      total.stored.push(...r.stored);
      total.duplicates += r.duplicates;
      total.edited += r.edited;
      total.deleted += r.deleted;
      total.unmatched += r.unmatched;
    }
    return total;
  }

  return storePrepared(db, source, prepareBatch(analyzer, source, batch), now);
}

/** A batch analysed and ready to store: the analysis is plain CPU work, done apart from the write. */
export interface PreparedBatch {
  batch: SourceBatch;
  /** Posts of the batch after dropping repeats within it. */
  unique: number;
  /** Analysed posts of the batch (matched ones only for a `matchedOnly` source). */
  analyzed: AnalyzedPost[];
  /** The analysed posts as the write sends them. */
  encoded: EncodedBatch;
  /** The newest edit of each post, analysed. */
  edits: PreparedEdit[];
  unmatched: number;
}

export function prepareBatch(analyzer: PostAnalyzer, source: { matchedOnly?: boolean }, batch: SourceBatch): PreparedBatch {
  const { posts, edits } = toAnalyse(batch);
  return prepared(source, batch, posts.length, edits, analyzePosts(analyzer, [...posts, ...edits.map((e) => e.post)]));
}

/** prepareBatch in slices that yield to the event loop, so the write of the previous batch goes on meanwhile. */
export async function prepareBatchYielding(analyzer: PostAnalyzer, source: { matchedOnly?: boolean }, batch: SourceBatch): Promise<PreparedBatch> {
  const { posts, edits } = toAnalyse(batch);
  return prepared(source, batch, posts.length, edits, await analyzePostsYielding(analyzer, [...posts, ...edits.map((e) => e.post)]));
}

function toAnalyse(batch: SourceBatch) {
  return {
    posts: dedupeWithinBatch(batch.posts).map(storable),
    edits: newestEdits(batch.edits ?? []).map((e) => ({ ...e, post: storable(e.post) })),
  };
}

/** `all` holds the batch's unique posts, then its edits, analysed together (copies of a text are scored once). */
function prepared(source: { matchedOnly?: boolean }, batch: SourceBatch, unique: number, edited: PostEdit[], all: AnalyzedPost[]): PreparedBatch {
  const posts = all.slice(0, unique);
  // A broad source (a news feed) brings much that is about none of the subjects: not stored.
  const analyzed = source.matchedOnly ? posts.filter((a) => a.subjectIds.length > 0) : posts;
  // An edit may take a stored post off every subject, so edits are never dropped here; an edit of a
  // post never stored is stored when the source would have kept it as a new post.
  const edits = all.slice(unique).map((a, i) => ({ analyzed: a, editedAt: edited[i]!.editedAt, storeIfNew: !source.matchedOnly || a.subjectIds.length > 0 }));
  return { batch, unique, analyzed, encoded: encodeBatch(analyzed), edits, unmatched: posts.length - analyzed.length };
}

/**
 * Writes one prepared batch (at most MAX_BATCH posts) with its cursor in ONE transaction: the posts,
 * their links, rollups and cursor are one statement; edits and deletions, when the batch has any,
 * follow in the same transaction (in that order: a post created, edited and deleted in one batch
 * ends deleted) and move or take out their posts' counts.
 */
export async function storePrepared(db: Kysely<Database>, source: { id: string; kind: string }, prepared: PreparedBatch, now: Date): Promise<IngestResult> {
  const { batch, analyzed } = prepared;
  if (analyzed.length > MAX_BATCH) throw new Error(`a prepared batch holds at most ${MAX_BATCH} posts`);
  const deletes = batch.deletes ?? [];
  const edits = prepared.edits;
  const write = async (trx: Kysely<Database>) => {
    const inserted = await storeBatch(trx, source, prepared.encoded, batch.cursor);
    const edited = edits.length ? await applyEdits(trx, source, edits, batch.cursor) : { inserted: [], replaced: 0 };
    const deleted = deletes.length ? await markPostsDeleted(trx, source.id, deletes, now) : [];
    if (deleted.length) await applyRollupDeltas(trx, rollupDeltas(deleted, -1));
    return { inserted, edited, deleted };
  };
  // One statement is a transaction of its own; edits and deletions need one around it.
  const { inserted, edited, deleted } = deletes.length === 0 && edits.length === 0 ? await write(db) : await db.transaction().execute(write);
  const byNativeId = new Map(analyzed.map((a) => [a.post.nativeId, a]));
  const stored = [...inserted.map((row) => ({ id: row.id, analyzed: byNativeId.get(row.nativeId)! })), ...edited.inserted.map((row) => ({ id: row.id, analyzed: row.analyzed }))];
  return {
    stored,
    duplicates: analyzed.length - inserted.length + (batch.posts.length - prepared.unique),
    edited: edited.replaced,
    deleted: deleted.length,
    unmatched: prepared.unmatched,
  };
}

/**
 * Stores batches in order, each in its own transaction with its cursor, analysing batch N+1 while
 * batch N is written. At most one batch is being written and one analysed, so a slow database
 * holds the producer back instead of piling batches up in memory.
 */
export async function ingestBatches(
  db: Kysely<Database>,
  analyzer: PostAnalyzer,
  source: { id: string; kind: string; matchedOnly?: boolean },
  batches: Iterable<SourceBatch> | AsyncIterable<SourceBatch>,
  now: () => Date,
  onStored?: (result: IngestResult) => void,
): Promise<void> {
  // The write in flight; its failure is kept (not left as an unhandled rejection) and thrown in order.
  let writing: Promise<unknown> | null = null;
  const settle = async () => {
    const outcome = await writing;
    writing = null;
    if (outcome instanceof WriteFailure) throw outcome.error;
  };
  try {
    for await (const batch of batches) {
      if (batch.posts.length > MAX_BATCH) {
        await settle();
        onStored?.(await ingestBatch(db, analyzer, source, batch, now()));
        continue;
      }
      const next = await prepareBatchYielding(analyzer, source, batch);
      await settle();
      writing = storePrepared(db, source, next, now()).then(
        (r) => onStored?.(r),
        (error: unknown) => new WriteFailure(error),
      );
    }
  } finally {
    await settle();
  }
}

class WriteFailure {
  constructor(readonly error: unknown) {}
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

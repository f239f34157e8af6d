import { type Kysely, sql, type Transaction } from 'kysely';
import type { AnalyzedPost } from '../../pipeline/analyzer';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface InsertedPost {
  id: number;
  nativeId: string;
}

/**
 * Stores a batch of analysed posts of ONE source in one statement: the posts (posts already stored,
 * same source and native id, are skipped), the subject links of the new ones and their derive work.
 * Returns the posts that were new. Links and queue rows are taken from the insert's own RETURNING,
 * so only new posts get them and nothing can point at a post that is not there; one statement
 * instead of three saves two round trips per batch. The rows travel as one JSON document: one
 * JSON.stringify and one parse on the server cost less than 22 array literals escaped value by
 * value (pg's array serialiser was a tenth of the ingester's CPU) and have no parameter limit.
 */
export async function storePosts(db: Db, source: string, posts: AnalyzedPost[]): Promise<InsertedPost[]> {
  if (posts.length === 0) return [];
  const rows = posts.map((p) => ({
    native_id: p.post.nativeId,
    url: p.post.url,
    author_id: p.post.author.id,
    author_handle: p.post.author.handle,
    author_name: p.post.author.name,
    author_followers: p.post.author.followers,
    created_at: p.post.createdAt,
    text: p.post.text,
    lang: p.analysis.lang ?? p.post.lang,
    kind: p.post.kind,
    parent_native_id: p.post.parentNativeId,
    repost_of_native_id: p.post.repostOfNativeId,
    metrics: p.post.metrics,
    dedupe_key: p.dedupeKey,
    sentiment_score: p.analysis.score,
    sentiment_label: p.analysis.label,
    sentiment_confidence: p.analysis.confidence,
    aspects: p.analysis.aspects,
    intent: p.analysis.intent,
    rationale: p.analysis.rationale,
    refs: p.references,
  }));
  const links = posts.flatMap((p) => p.subjectIds.map((subjectId) => [p.post.nativeId, subjectId] as const));
  const result = await sql<{ id: number; native_id: string }>`
    with inserted as (
      insert into posts (source, native_id, url, author_id, author_handle, author_name, author_followers,
        created_at, text, lang, kind, parent_native_id, repost_of_native_id, metrics, dedupe_key,
        sentiment_score, sentiment_label, sentiment_confidence, aspects, intent, rationale, refs)
      select ${source}, * from json_to_recordset(${jsonForPostgres(rows)}::json) as r(native_id text, url text,
        author_id text, author_handle text, author_name text, author_followers int, created_at timestamptz,
        text text, lang text, kind text, parent_native_id text, repost_of_native_id text, metrics jsonb,
        dedupe_key text, sentiment_score real, sentiment_label text, sentiment_confidence real, aspects jsonb,
        intent text, rationale jsonb, refs jsonb)
      on conflict (source, native_id) do nothing
      returning id, native_id, created_at
    ),
    -- The ids are new, so neither insert can conflict: no ON CONFLICT (and its speculative insertion).
    linked as (
      insert into post_subjects (post_id, subject_id, created_at)
      select i.id, l.subject_id, i.created_at
      from (select distinct * from unnest(${links.map((l) => l[0])}::text[], ${links.map((l) => l[1])}::int[])) as l(native_id, subject_id)
      join inserted i using (native_id)
      returning post_id
    ),
    queued as (
      insert into derive_queue (post_id)
      select distinct post_id from linked
    )
    select id, native_id from inserted`.execute(db);
  return result.rows.map((r) => ({ id: r.id, nativeId: r.native_id }));
}

// JSON.stringify writes a lone UTF-16 surrogate (hostile text has them) as a \udXXX escape, which
// PostgreSQL's JSON parser refuses; as text the driver sent U+FFFD for it, so the JSON does the same.
// Only lone surrogates are escaped; an escape is real when an even number of backslashes precede it.
const LONE_SURROGATE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

function jsonForPostgres(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE, '\\ufffd') : json;
}

export interface DeletedPost {
  id: number;
  createdAt: Date;
  kind: string;
  authorId: string;
  label: string | null;
  score: number | null;
  aspects: Array<{ aspect: string; polarity: number }>;
  subjectIds: number[];
}

/** Marks posts deleted at the network (once); returns them with their subjects so counts can be taken back. */
export async function markPostsDeleted(db: Db, source: string, nativeIds: string[], at: Date): Promise<DeletedPost[]> {
  if (nativeIds.length === 0) return [];
  const rows = await db
    .updateTable('posts')
    .set({ deleted_at: at })
    .where('source', '=', source)
    .where('native_id', 'in', nativeIds)
    .where('deleted_at', 'is', null)
    .returning(['id', 'created_at', 'kind', 'author_id', 'sentiment_label', 'sentiment_score', 'aspects'])
    .execute();
  if (rows.length === 0) return [];
  const links = await db
    .selectFrom('post_subjects')
    .select(['post_id', 'subject_id'])
    .where(
      'post_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    kind: r.kind,
    authorId: r.author_id,
    label: r.sentiment_label,
    score: r.sentiment_score,
    aspects: r.aspects,
    subjectIds: links.filter((l) => l.post_id === r.id).map((l) => l.subject_id),
  }));
}

import { type Kysely, sql, type Transaction } from 'kysely';
import type { AnalyzedPost } from '../../pipeline/analyzer';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface InsertedPost {
  id: number;
  nativeId: string;
}

/** The posts columns ingest writes, their SQL types, and where each value comes from. */
const POST_COLUMNS: Array<[column: string, type: string, value: (p: AnalyzedPost) => unknown]> = [
  ['native_id', 'text', (p) => p.post.nativeId],
  ['url', 'text', (p) => p.post.url],
  ['author_id', 'text', (p) => p.post.author.id],
  ['author_handle', 'text', (p) => p.post.author.handle],
  ['author_name', 'text', (p) => p.post.author.name],
  ['author_followers', 'int', (p) => p.post.author.followers],
  // Milliseconds since the epoch: JSON.stringify of a Date calls toJSON one by one (a third of the JSON time).
  ['created_at', 'epoch_ms', (p) => p.post.createdAt.getTime()],
  ['text', 'text', (p) => p.post.text],
  ['lang', 'text', (p) => p.analysis.lang ?? p.post.lang],
  ['kind', 'text', (p) => p.post.kind],
  ['parent_native_id', 'text', (p) => p.post.parentNativeId],
  ['repost_of_native_id', 'text', (p) => p.post.repostOfNativeId],
  ['metrics', 'jsonb', (p) => p.post.metrics],
  ['dedupe_key', 'text', (p) => p.dedupeKey],
  ['sentiment_score', 'real', (p) => p.analysis.score],
  ['sentiment_label', 'text', (p) => p.analysis.label],
  ['sentiment_confidence', 'real', (p) => p.analysis.confidence],
  ['aspects', 'jsonb', (p) => p.analysis.aspects],
  ['intent', 'text', (p) => p.analysis.intent],
  ['rationale', 'jsonb', (p) => p.analysis.rationale],
  ['refs', 'jsonb', (p) => p.references],
];

/**
 * Each column as one JSON array, unpacked side by side by ROWS FROM. A JSON array per column costs
 * a third of what one JSON object per row did on both ends (json_to_recordset built a hash of the
 * 21 keys of every row, and the keys were half the bytes); it is one JSON.stringify and one parse per
 * column instead of the driver's array escaping value by value, and has no parameter limit.
 */
const columnArrays = (posts: AnalyzedPost[]) => POST_COLUMNS.map(([, , value]) => jsonForPostgres(posts.map(value)));
const unpackColumns = (arrays: string[]) =>
  sql.join(
    POST_COLUMNS.map(([, type], i) => (type === 'jsonb' ? sql`json_array_elements(${arrays[i]}::json)` : sql`json_array_elements_text(${arrays[i]}::json)`)),
  );
// A JSON null inside a jsonb column's array is SQL NULL in the row, as it was with json_to_recordset.
const typed = (column: string, type: string) => {
  if (type === 'jsonb') return `nullif(r.${column}::jsonb, 'null'::jsonb)`;
  if (type === 'epoch_ms') return `timestamptz 'epoch' + r.${column}::bigint * interval '1 millisecond'`;
  return type === 'text' ? `r.${column}` : `r.${column}::${type}`;
};
const typedColumns = sql.raw(POST_COLUMNS.map(([column, type]) => typed(column, type)).join(', '));
const columnNames = sql.raw(POST_COLUMNS.map(([column]) => column).join(', '));

/**
 * Stores a batch of analysed posts of ONE source in one statement: the posts (posts already stored,
 * same source and native id, are skipped), the subject links of the new ones and their derive work.
 * Returns the posts that were new. Links and queue rows are taken from the insert's own RETURNING,
 * so only new posts get them and nothing can point at a post that is not there; one statement
 * instead of three saves two round trips per batch.
 */
export async function storePosts(db: Db, source: string, posts: AnalyzedPost[]): Promise<InsertedPost[]> {
  if (posts.length === 0) return [];
  const linkPosts: string[] = [];
  const linkSubjects: number[] = [];
  for (const p of posts) {
    for (const subjectId of p.subjectIds.length > 1 ? new Set(p.subjectIds) : p.subjectIds) {
      linkPosts.push(p.post.nativeId);
      linkSubjects.push(subjectId);
    }
  }
  const result = await sql<{ id: number; native_id: string }>`
    with inserted as (
      insert into posts (source, ${columnNames})
      select ${source}, ${typedColumns} from rows from (${unpackColumns(columnArrays(posts))}) as r(${columnNames})
      on conflict (source, native_id) do nothing
      returning id, native_id, created_at
    ),
    -- The ids are new, so neither insert can conflict: no ON CONFLICT (and its speculative insertion).
    -- A batch holds each native id once (the ingester drops repeats) and each post's subjects are distinct.
    linked as (
      insert into post_subjects (post_id, subject_id, created_at)
      select i.id, l.subject_id::int, i.created_at
      from rows from (json_array_elements_text(${jsonForPostgres(linkPosts)}::json), json_array_elements_text(${JSON.stringify(linkSubjects)}::json)) as l(native_id, subject_id)
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

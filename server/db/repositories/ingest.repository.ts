/**
 * The write of one ingested batch, as ONE statement: the posts (those already stored, same source
 * and native id, are skipped), the subject links and derive work of the new ones, their hourly
 * rollups (counts, exact authors, aspects), their authors in the per-day sketches, and the
 * source's cursor. One statement is one transaction and one round trip: the database works on a
 * batch without waiting for the ingester between steps, and the ingester analyses the next batch
 * meanwhile. Rollups are taken from the insert's own RETURNING, so a post already stored counts
 * nothing twice, and no link or queue row can point at a post that is not there.
 *
 * Everything travels as one JSON array per column, unpacked side by side by ROWS FROM: a third of
 * what one JSON object per row cost on both ends (json_to_recordset hashed the keys of every row,
 * and the keys were half the bytes), and cheaper than the driver escaping array literals value by
 * value. The arrays are built by encodeBatch, before the write, while the previous batch is written.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { HLL_REGISTERS, hllPosition } from '../../analysis/hll';
import { hourBucket } from '../../analysis/rollups';
import type { AnalyzedPost } from '../../pipeline/analyzer';
import type { Cursor } from '../../sources/source';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

export interface InsertedPost {
  id: number;
  nativeId: string;
}

/** A batch of analysed posts as storeBatch sends it: JSON arrays of the posts' columns and of their links. */
export interface EncodedBatch {
  posts: string[];
  links: string[];
}

type Column<T> = [name: string, type: 'text' | 'int' | 'bigint' | 'real' | 'float8' | 'jsonb' | 'epoch_ms', value: (row: T) => unknown];

/** The posts columns ingest writes, their SQL types, and where each value comes from. */
const POST_COLUMNS: Array<Column<AnalyzedPost>> = [
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

const DAY = 86_400_000;

interface Link {
  post: AnalyzedPost;
  subjectId: number;
  author: { register: number; rank: number };
}

/**
 * One row per post and subject: the link, and what the post adds to that subject's rollups if it
 * is new. The hour and day are cut here, as analysis/rollups.ts defines them, and the author's
 * sketch register is hashed here, as analysis/hll.ts does for the sketches it reads. Reposts are
 * amplification (no author here): they count as reposts only, never as posts, sentiment, aspects
 * or voices. The score is the analysis's own double, not the real stored in posts.
 */
const LINK_COLUMNS: Array<Column<Link>> = [
  ['native_id', 'text', (l) => l.post.post.nativeId],
  ['subject_id', 'int', (l) => l.subjectId],
  ['bucket', 'epoch_ms', (l) => hourBucket(l.post.post.createdAt).getTime()],
  ['day', 'epoch_ms', (l) => Math.floor(l.post.post.createdAt.getTime() / DAY) * DAY],
  ['voice', 'text', (l) => (l.post.post.kind === 'repost' ? null : l.post.post.author.id)],
  ['score', 'float8', (l) => l.post.analysis.score],
  ['hll_register', 'int', (l) => l.author.register],
  ['hll_rank', 'int', (l) => l.author.rank],
];

/** The columns of a batch as JSON arrays; plain CPU work, done before the write. */
export function encodeBatch(posts: AnalyzedPost[]): EncodedBatch {
  const links: Link[] = [];
  for (const post of posts) {
    if (post.subjectIds.length === 0) continue;
    const author = hllPosition(post.post.author.id);
    // A batch holds each native id once (the ingester drops repeats); a post's subjects are made distinct here.
    for (const subjectId of post.subjectIds.length > 1 ? new Set(post.subjectIds) : post.subjectIds) links.push({ post, subjectId, author });
  }
  return {
    posts: POST_COLUMNS.map(([, , value]) => jsonForPostgres(posts.map(value))),
    links: LINK_COLUMNS.map(([, , value]) => jsonForPostgres(links.map(value))),
  };
}

// A JSON null inside a jsonb column's array is SQL NULL in the row.
function typed(name: string, type: Column<unknown>[1]): string {
  if (type === 'jsonb') return `nullif(${name}::jsonb, 'null'::jsonb) as ${name}`;
  if (type === 'epoch_ms') return `timestamptz 'epoch' + ${name}::bigint * interval '1 millisecond' as ${name}`;
  return type === 'text' ? name : `${name}::${type} as ${name}`;
}

/** Rows from JSON arrays, one array per column, unpacked side by side. */
function unpack<T>(columns: Array<Column<T>>, arrays: string[]): RawBuilder<unknown> {
  const names = sql.raw(columns.map(([name]) => name).join(', '));
  const elements = columns.map(([, type], i) => (type === 'jsonb' ? sql`json_array_elements(${arrays[i]}::json)` : sql`json_array_elements_text(${arrays[i]}::json)`));
  return sql`select ${sql.raw(columns.map(([name, type]) => typed(name, type)).join(', '))} from rows from (${sql.join(elements)}) as r(${names})`;
}

/**
 * Stores an encoded batch of ONE source with the source's cursor; returns the posts that were new.
 * Rows every concurrent writer may touch (rollups, aspects, day sketches) are locked in
 * (subject, time) order, so two sources writing the same hours cannot deadlock.
 */
export async function storeBatch(db: Db, source: { id: string; kind: string }, batch: EncodedBatch, cursor: Cursor): Promise<InsertedPost[]> {
  const result = await sql<{ id: number; native_id: string }>`
    with inserted as (
      insert into posts (source, ${sql.raw(POST_COLUMNS.map(([name]) => name).join(', '))})
      select ${source.id}, r.* from (${unpack(POST_COLUMNS, batch.posts)}) as r
      on conflict (source, native_id) do nothing
      returning id, native_id, created_at, sentiment_label, aspects
    ),
    -- The new posts' links, with what each adds to its subject's rollups.
    links as (
      select i.id, i.created_at, l.subject_id, l.bucket, l.day, l.voice is not null as voice, l.voice as author_id,
        i.sentiment_label as label, l.score, i.aspects, l.hll_register, l.hll_rank
      from (${unpack(LINK_COLUMNS, batch.links)}) as l
      join inserted i using (native_id)
    ),
    -- The ids are new, so neither insert can conflict: no ON CONFLICT (and its speculative insertion).
    linked as (
      insert into post_subjects (post_id, subject_id, created_at)
      select id, subject_id, created_at from links
    ),
    queued as (
      insert into derive_queue (post_id)
      select distinct id from links
    ),
    -- Exact distinct authors per subject and hour: a row is new exactly when the author is new in that hour.
    new_authors as (
      insert into rollup_authors (subject_id, bucket, author_key)
      select distinct subject_id, bucket, author_id from links where voice
      order by 1, 2, 3
      on conflict do nothing
      returning subject_id, bucket
    ),
    author_counts as (
      select subject_id, bucket, count(*)::int as n from new_authors group by subject_id, bucket
    ),
    rolled as (
      insert into rollups as t (subject_id, bucket, posts, reposts, authors, positive, negative, neutral, unscored, score_sum)
      select g.subject_id, g.bucket, g.posts, g.reposts, coalesce(c.n, 0), g.positive, g.negative, g.neutral, g.unscored, g.score_sum
      from (
        select subject_id, bucket,
          count(*) filter (where voice) as posts,
          count(*) filter (where not voice) as reposts,
          count(*) filter (where voice and label = 'positive') as positive,
          count(*) filter (where voice and label = 'negative') as negative,
          count(*) filter (where voice and label = 'neutral') as neutral,
          count(*) filter (where voice and (label is null or label not in ('positive', 'negative', 'neutral'))) as unscored,
          coalesce(sum(score) filter (where voice and label is distinct from 'unscored'), 0) as score_sum
        from links group by subject_id, bucket
      ) as g
      left join author_counts c using (subject_id, bucket)
      order by g.subject_id, g.bucket
      on conflict (subject_id, bucket) do update set
        posts = t.posts + excluded.posts, reposts = t.reposts + excluded.reposts, authors = t.authors + excluded.authors,
        positive = t.positive + excluded.positive, negative = t.negative + excluded.negative,
        neutral = t.neutral + excluded.neutral, unscored = t.unscored + excluded.unscored,
        score_sum = t.score_sum + excluded.score_sum
    ),
    aspects as (
      insert into rollup_aspects as t (subject_id, bucket, aspect, mentions, negative)
      select l.subject_id, l.bucket, a.aspect, count(*), count(*) filter (where a.polarity < 0)
      from links l cross join lateral jsonb_to_recordset(l.aspects) as a(aspect text, polarity float8)
      where l.voice
      group by 1, 2, 3
      order by 1, 2, 3
      on conflict (subject_id, bucket, aspect) do update set
        mentions = t.mentions + excluded.mentions, negative = t.negative + excluded.negative
    ),
    -- Distinct authors over long ranges: the registers the new authors raise in each day's sketch.
    -- Registers only grow, so those a sketch already holds at that rank or higher (most of them, once
    -- a day has seen its regular authors) are dropped before anything is locked or rewritten.
    author_registers as (
      select subject_id, day, hll_register as register, max(hll_rank) as rank
      from links where voice group by 1, 2, 3
    ),
    raises as (
      select r.subject_id, r.day, d.subject_id is not null as stored, array_agg(r.register) as registers, array_agg(r.rank) as ranks
      from author_registers r left join rollup_author_days d using (subject_id, day)
      where d.subject_id is null or get_byte(d.sketch, r.register) < r.rank
      group by r.subject_id, r.day, d.subject_id is not null
    ),
    locked as materialized (
      select d.subject_id, d.day from rollup_author_days d join raises a using (subject_id, day)
      where a.stored
      order by d.subject_id, d.day
      for update of d
    ),
    raised as (
      update rollup_author_days d set sketch = hll_raise(d.sketch, a.registers, a.ranks)
      from raises a join locked k using (subject_id, day)
      where d.subject_id = a.subject_id and d.day = a.day
    ),
    created as (
      insert into rollup_author_days as d (subject_id, day, sketch)
      select subject_id, day, hll_raise(decode(repeat('00', ${HLL_REGISTERS}), 'hex'), registers, ranks)
      from raises where not stored
      order by subject_id, day
      -- Another writer made the row after this statement began: raise the registers in that one.
      on conflict (subject_id, day) do update set sketch = hll_raise(d.sketch,
        (select a.registers from raises a where a.subject_id = excluded.subject_id and a.day = excluded.day),
        (select a.ranks from raises a where a.subject_id = excluded.subject_id and a.day = excluded.day))
    ),
    saved as (
      insert into source_state as s (id, kind, cursor, posts_ingested)
      values (${source.id}, ${source.kind}, ${cursor === null ? null : JSON.stringify(cursor)}, (select count(*)::int from inserted))
      on conflict (id) do update set
        cursor = excluded.cursor, posts_ingested = s.posts_ingested + excluded.posts_ingested, updated_at = now()
    )
    select id, native_id from inserted`.execute(db);
  return result.rows.map((r) => ({ id: r.id, nativeId: r.native_id }));
}

/** An edit that replaces a stored post: its new analysis, the label it keeps, its subjects before and after. */
export interface Replacement {
  id: number;
  createdAt: Date;
  post: AnalyzedPost;
  /** The new analysis's label, or the analyst's if one corrected the post. */
  label: string | null;
  editedAt: Date;
  addSubjects: number[];
  removeSubjects: number[];
}

/** What an edit replaces: the text and everything read from it. Who wrote it, when and where stay. */
const REPLACED_COLUMNS: Array<Column<Replacement>> = [
  ['id', 'bigint', (r) => r.id],
  ['text', 'text', (r) => r.post.post.text],
  ['lang', 'text', (r) => r.post.analysis.lang ?? r.post.post.lang],
  ['metrics', 'jsonb', (r) => r.post.post.metrics],
  ['dedupe_key', 'text', (r) => r.post.dedupeKey],
  ['sentiment_score', 'real', (r) => r.post.analysis.score],
  ['sentiment_label', 'text', (r) => r.label],
  ['sentiment_confidence', 'real', (r) => r.post.analysis.confidence],
  ['aspects', 'jsonb', (r) => r.post.analysis.aspects],
  ['intent', 'text', (r) => r.post.analysis.intent],
  ['rationale', 'jsonb', (r) => r.post.analysis.rationale],
  ['refs', 'jsonb', (r) => r.post.references],
  ['edited_at', 'epoch_ms', (r) => r.editedAt.getTime()],
];

/**
 * Writes edits of stored posts: the new text and analysis, the subject links that come and go, and
 * the posts back on the derive queue. The rollups are the caller's (they need the old analysis).
 */
export async function replaceEdited(db: Db, rows: Replacement[]): Promise<void> {
  if (rows.length === 0) return;
  const removed = rows.flatMap((r) => r.removeSubjects.map((subjectId) => ({ postId: r.id, subjectId })));
  const added = rows.flatMap((r) => r.addSubjects.map((subjectId) => ({ postId: r.id, subjectId, createdAt: r.createdAt.getTime() })));
  const json = (values: unknown[]) => jsonForPostgres(values);
  const assignments = sql.raw(REPLACED_COLUMNS.slice(1).map(([name]) => `${name} = r.${name}`).join(', '));
  await sql`
    with updated as (
      update posts p set ${assignments}
      from (${unpack(REPLACED_COLUMNS, REPLACED_COLUMNS.map(([, , value]) => json(rows.map(value))))}) as r
      where p.id = r.id
      returning p.id
    ),
    unlinked as (
      delete from post_subjects ps
      using rows from (json_array_elements_text(${json(removed.map((l) => l.postId))}::json), json_array_elements_text(${json(removed.map((l) => l.subjectId))}::json)) as l(post_id, subject_id)
      where ps.post_id = l.post_id::bigint and ps.subject_id = l.subject_id::int
    ),
    linked as (
      insert into post_subjects (post_id, subject_id, created_at)
      select l.post_id::bigint, l.subject_id::int, timestamptz 'epoch' + l.created_at::bigint * interval '1 millisecond'
      from rows from (json_array_elements_text(${json(added.map((l) => l.postId))}::json), json_array_elements_text(${json(added.map((l) => l.subjectId))}::json),
        json_array_elements_text(${json(added.map((l) => l.createdAt))}::json)) as l(post_id, subject_id, created_at)
    )
    insert into derive_queue (post_id) select id from updated on conflict do nothing`.execute(db);
}

/** Marks posts stored from an edit (their first version here is an edited one) with the edit's time. */
export async function markEdited(db: Db, edits: Array<{ id: number; editedAt: Date }>): Promise<void> {
  if (edits.length === 0) return;
  await sql`
    update posts p set edited_at = timestamptz 'epoch' + e.at::bigint * interval '1 millisecond'
    from rows from (json_array_elements_text(${JSON.stringify(edits.map((e) => e.id))}::json), json_array_elements_text(${JSON.stringify(edits.map((e) => e.editedAt.getTime()))}::json)) as e(id, at)
    where p.id = e.id::bigint`.execute(db);
}

// JSON.stringify writes a lone UTF-16 surrogate (hostile text has them) as a \udXXX escape, which
// PostgreSQL's JSON parser refuses; as text the driver sent U+FFFD for it, so the JSON does the same.
// Only lone surrogates are escaped; an escape is real when an even number of backslashes precede it.
const LONE_SURROGATE = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

function jsonForPostgres(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE, '\\ufffd') : json;
}

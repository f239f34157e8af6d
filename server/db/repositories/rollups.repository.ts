import { type Kysely, sql, type Transaction } from 'kysely';
import { addToSketch, emptySketch, estimate, mergeSketch } from '../../analysis/hll';
import type { RollupDelta } from '../../analysis/rollups';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Adds deltas to the hourly rollups; distinct authors stay exact through the rollup_authors set and
 * approximate over long ranges through per-day HyperLogLog sketches. Two statements: the first
 * inserts the authors, upserts rollups and aspects and locks the day sketches it will change; the
 * second writes the merged sketches. Rows are locked in (subject, time) order so concurrent writers
 * cannot deadlock.
 */
export async function applyRollupDeltas(db: Db, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const iso = (d: Date) => d.toISOString();
  const authors = deltas.flatMap((d) => {
    const b = iso(d.bucket);
    return [...d.authors].map((a) => ({ s: d.subjectId, b, a }));
  });
  const aspects = deltas.flatMap((d) =>
    [...d.aspects].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([aspect, a]) => ({ subjectId: d.subjectId, bucket: iso(d.bucket), aspect, ...a })),
  );
  const days = authorDays(deltas);
  const locked = await sql<{ subject_id: number; day: Date; sketch: Uint8Array }>`
    with new_authors as (
      insert into rollup_authors (subject_id, bucket, author_key)
      select * from unnest(${authors.map((r) => r.s)}::int[], ${authors.map((r) => r.b)}::timestamptz[], ${authors.map((r) => r.a)}::text[])
      on conflict do nothing
      returning subject_id, bucket
    ),
    new_counts as (select subject_id, bucket, count(*)::int as n from new_authors group by subject_id, bucket),
    rolled as (
      insert into rollups as r (subject_id, bucket, posts, reposts, authors, positive, negative, neutral, unscored, score_sum)
      select d.subject_id, d.bucket, d.posts, d.reposts, coalesce(c.n, 0), d.positive, d.negative, d.neutral, d.unscored, d.score_sum
      from unnest(
        ${deltas.map((d) => d.subjectId)}::int[], ${deltas.map((d) => iso(d.bucket))}::timestamptz[],
        ${deltas.map((d) => d.posts)}::int[], ${deltas.map((d) => d.reposts)}::int[],
        ${deltas.map((d) => d.positive)}::int[], ${deltas.map((d) => d.negative)}::int[],
        ${deltas.map((d) => d.neutral)}::int[], ${deltas.map((d) => d.unscored)}::int[],
        ${deltas.map((d) => d.scoreSum)}::float8[]
      ) with ordinality as d(subject_id, bucket, posts, reposts, positive, negative, neutral, unscored, score_sum, n)
      left join new_counts c using (subject_id, bucket)
      order by d.n
      on conflict (subject_id, bucket) do update set
        posts = r.posts + excluded.posts, reposts = r.reposts + excluded.reposts, authors = r.authors + excluded.authors,
        positive = r.positive + excluded.positive, negative = r.negative + excluded.negative,
        neutral = r.neutral + excluded.neutral, unscored = r.unscored + excluded.unscored,
        score_sum = r.score_sum + excluded.score_sum
    ),
    aspects as (
      insert into rollup_aspects as r (subject_id, bucket, aspect, mentions, negative)
      select * from unnest(${aspects.map((a) => a.subjectId)}::int[], ${aspects.map((a) => a.bucket)}::timestamptz[],
        ${aspects.map((a) => a.aspect)}::text[], ${aspects.map((a) => a.mentions)}::int[], ${aspects.map((a) => a.negative)}::int[])
      on conflict (subject_id, bucket, aspect) do update set
        mentions = r.mentions + excluded.mentions, negative = r.negative + excluded.negative
    )
    select subject_id, day, sketch from rollup_author_days
    where (subject_id, day) in (select * from unnest(${days.map((e) => e.subjectId)}::int[], ${days.map((e) => iso(e.day))}::timestamptz[]))
    order by subject_id, day
    for update`.execute(db);
  await writeAuthorSketches(db, days, locked.rows);
}

const DAY = 86_400_000;

interface AuthorDay {
  subjectId: number;
  day: Date;
  authors: Set<string>;
}

/** The batch's authors per subject and UTC day, in (subject, day) order. */
function authorDays(deltas: RollupDelta[]): AuthorDay[] {
  const byDay = new Map<string, AuthorDay>();
  for (const d of deltas) {
    if (d.authors.size === 0) continue;
    const day = new Date(Math.floor(d.bucket.getTime() / DAY) * DAY);
    const key = `${d.subjectId}:${day.getTime()}`;
    const entry = byDay.get(key) ?? { subjectId: d.subjectId, day, authors: new Set<string>() };
    for (const a of d.authors) entry.authors.add(a);
    byDay.set(key, entry);
  }
  return [...byDay.values()].sort((a, b) => a.subjectId - b.subjectId || a.day.getTime() - b.day.getTime());
}

/** Adds the batch's authors to the per-day sketches read (and locked) by the caller; writes the changed ones. */
async function writeAuthorSketches(db: Db, days: AuthorDay[], existing: Array<{ subject_id: number; day: Date; sketch: Uint8Array }>): Promise<void> {
  if (days.length === 0) return;
  const current = new Map(existing.map((r) => [`${r.subject_id}:${new Date(r.day).getTime()}`, new Uint8Array(r.sketch)]));
  const changed: Array<{ subjectId: number; day: Date; sketch: Uint8Array }> = [];
  for (const e of days) {
    const key = `${e.subjectId}:${e.day.getTime()}`;
    const sketch = current.get(key) ?? emptySketch();
    let dirty = !current.has(key);
    for (const a of e.authors) dirty = addToSketch(sketch, a) || dirty;
    if (dirty) changed.push({ subjectId: e.subjectId, day: e.day, sketch });
  }
  if (changed.length === 0) return;
  await sql`
    insert into rollup_author_days (subject_id, day, sketch)
    select * from unnest(${changed.map((c) => c.subjectId)}::int[], ${changed.map((c) => c.day.toISOString())}::timestamptz[], ${changed.map((c) => Buffer.from(c.sketch))}::bytea[])
    on conflict (subject_id, day) do update set sketch = excluded.sketch`.execute(db);
}

type SketchCache = Map<string, { version: string; sketch: Uint8Array }>;
// Per database handle: decoded sketches by (subject, day), with the row version they were read at.
const sketchCaches = new WeakMap<object, SketchCache>();
const MAX_CACHED = 100_000;

/**
 * Estimated distinct authors per subject over the UTC days overlapping [from, to). Past days rarely
 * change, so decoded sketches are cached by row version (xmin) and only changed rows are fetched
 * again: a 30-day scorecard reads a few hundred tiny rows instead of megabytes of bytea.
 */
export async function estimateAuthors(db: Db, from: Date, to: Date): Promise<Map<number, number>> {
  const firstDay = new Date(Math.floor(from.getTime() / DAY) * DAY);
  let cache = sketchCaches.get(db);
  if (!cache) sketchCaches.set(db, (cache = new Map()));
  const versions = await sql<{ subject_id: number; day: Date; version: string }>`
    select subject_id, day, xmin::text as version from rollup_author_days where day >= ${firstDay} and day < ${to}`.execute(db);
  const key = (subjectId: number, day: Date) => `${subjectId}:${new Date(day).getTime()}`;
  const stale = versions.rows.filter((r) => cache.get(key(r.subject_id, r.day))?.version !== r.version);
  if (stale.length) {
    if (cache.size + stale.length > MAX_CACHED) cache.clear();
    const fresh = await sql<{ subject_id: number; day: Date; version: string; sketch: Uint8Array }>`
      select subject_id, day, xmin::text as version, sketch from rollup_author_days
      where (subject_id, day) in (select * from unnest(${stale.map((r) => r.subject_id)}::int[], ${stale.map((r) => new Date(r.day).toISOString())}::timestamptz[]))`.execute(db);
    for (const r of fresh.rows) cache.set(key(r.subject_id, r.day), { version: r.version, sketch: new Uint8Array(r.sketch) });
  }
  const merged = new Map<number, Uint8Array>();
  for (const r of versions.rows) {
    const cached = cache.get(key(r.subject_id, r.day));
    if (!cached) continue;
    const m = merged.get(r.subject_id) ?? emptySketch();
    mergeSketch(m, cached.sketch);
    merged.set(r.subject_id, m);
  }
  return new Map([...merged].map(([id, s]) => [id, estimate(s)]));
}

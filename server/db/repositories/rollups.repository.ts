import { type Kysely, sql, type Transaction } from 'kysely';
import type { RollupDelta } from '../../analysis/rollups';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/** Adds deltas to the hourly rollups; distinct authors stay exact through the rollup_authors set. */
export async function applyRollupDeltas(db: Db, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const newAuthors = await insertAuthors(db, deltas);
  const iso = (d: Date) => d.toISOString();
  await sql`
    insert into rollups as r (subject_id, bucket, posts, reposts, authors, positive, negative, neutral, unscored, score_sum)
    select * from unnest(
      ${deltas.map((d) => d.subjectId)}::int[], ${deltas.map((d) => iso(d.bucket))}::timestamptz[],
      ${deltas.map((d) => d.posts)}::int[], ${deltas.map((d) => d.reposts)}::int[],
      ${deltas.map((d) => newAuthors.get(`${d.subjectId}:${d.bucket.getTime()}`) ?? 0)}::int[],
      ${deltas.map((d) => d.positive)}::int[], ${deltas.map((d) => d.negative)}::int[],
      ${deltas.map((d) => d.neutral)}::int[], ${deltas.map((d) => d.unscored)}::int[],
      ${deltas.map((d) => d.scoreSum)}::float8[])
    on conflict (subject_id, bucket) do update set
      posts = r.posts + excluded.posts, reposts = r.reposts + excluded.reposts, authors = r.authors + excluded.authors,
      positive = r.positive + excluded.positive, negative = r.negative + excluded.negative,
      neutral = r.neutral + excluded.neutral, unscored = r.unscored + excluded.unscored,
      score_sum = r.score_sum + excluded.score_sum`.execute(db);

  const aspects = deltas.flatMap((d) => [...d.aspects].map(([aspect, a]) => ({ subjectId: d.subjectId, bucket: d.bucket, aspect, ...a })));
  if (aspects.length === 0) return;
  await sql`
    insert into rollup_aspects as r (subject_id, bucket, aspect, mentions, negative)
    select * from unnest(${aspects.map((a) => a.subjectId)}::int[], ${aspects.map((a) => iso(a.bucket))}::timestamptz[],
      ${aspects.map((a) => a.aspect)}::text[], ${aspects.map((a) => a.mentions)}::int[], ${aspects.map((a) => a.negative)}::int[])
    on conflict (subject_id, bucket, aspect) do update set
      mentions = r.mentions + excluded.mentions, negative = r.negative + excluded.negative`.execute(db);
}

async function insertAuthors(db: Db, deltas: RollupDelta[]): Promise<Map<string, number>> {
  const rows = deltas.flatMap((d) => [...d.authors].map((a) => ({ s: d.subjectId, b: d.bucket.toISOString(), a })));
  const counts = new Map<string, number>();
  if (rows.length === 0) return counts;
  const inserted = await sql<{ subject_id: number; bucket: Date }>`
    insert into rollup_authors (subject_id, bucket, author_key)
    select * from unnest(${rows.map((r) => r.s)}::int[], ${rows.map((r) => r.b)}::timestamptz[], ${rows.map((r) => r.a)}::text[])
    on conflict do nothing
    returning subject_id, bucket`.execute(db);
  for (const r of inserted.rows) {
    const key = `${r.subject_id}:${new Date(r.bucket).getTime()}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Dashboard figures, read from the hourly rollups (never from raw posts, so a 30-day view costs the
 * same at 10M posts as at 10k).
 */
import { type Kysely, sql } from 'kysely';
import type { Granularity } from '../../../shared/api/range';
import type { Database } from '../tables';
import { estimateAuthors } from './rollups.repository';

export interface Counts {
  posts: number;
  reposts: number;
  positive: number;
  negative: number;
  neutral: number;
}

export interface SeriesRow extends Counts {
  subjectId: number;
  t: Date;
}

const sums = sql<string>`sum(posts)::int as posts, sum(reposts)::int as reposts, sum(positive)::int as positive,
  sum(negative)::int as negative, sum(neutral)::int as neutral`;

/** Per subject and hour/day: counts in [from, to). */
export async function subjectSeries(db: Kysely<Database>, from: Date, to: Date, granularity: Granularity, subjectIds?: number[]): Promise<SeriesRow[]> {
  const unit = granularity === 'day' ? sql.lit('day') : sql.lit('hour');
  const filter = subjectIds?.length ? sql`and subject_id = any(${subjectIds}::int[])` : sql``;
  const r = await sql<SeriesRow & { subject_id: number }>`
    select subject_id, date_trunc(${unit}, bucket at time zone 'UTC') at time zone 'UTC' as t, ${sums}
    from rollups where bucket >= ${from} and bucket < ${to} ${filter}
    group by 1, 2 order by 1, 2`.execute(db);
  return r.rows.map((row) => ({ ...row, subjectId: row.subject_id }));
}

/** Per subject: counts in [from, to). */
export async function subjectTotals(db: Kysely<Database>, from: Date, to: Date): Promise<Map<number, Counts>> {
  const r = await sql<Counts & { subject_id: number }>`
    select subject_id, ${sums} from rollups where bucket >= ${from} and bucket < ${to} group by 1`.execute(db);
  return new Map(r.rows.map((row) => [row.subject_id, row]));
}

/**
 * Distinct authors (originals, replies and quotes) per subject in [from, to): exact from the hourly
 * author sets up to three days, estimated from the daily HyperLogLog sketches beyond (whole days).
 */
export async function subjectAuthors(db: Kysely<Database>, from: Date, to: Date): Promise<Map<number, number>> {
  if (to.getTime() - from.getTime() > 3 * 86_400_000) return estimateAuthors(db, from, to);
  const r = await sql<{ subject_id: number; authors: number }>`
    select subject_id, count(distinct author_key)::int as authors from rollup_authors
    where bucket >= ${from} and bucket < ${to} group by 1`.execute(db);
  return new Map(r.rows.map((row) => [row.subject_id, row.authors]));
}

export async function subjectAspects(db: Kysely<Database>, from: Date, to: Date): Promise<Map<number, Array<{ aspect: string; mentions: number; negative: number }>>> {
  const r = await sql<{ subject_id: number; aspect: string; mentions: number; negative: number }>`
    select subject_id, aspect, sum(mentions)::int as mentions, sum(negative)::int as negative from rollup_aspects
    where bucket >= ${from} and bucket < ${to} group by 1, 2 order by 1, 3 desc`.execute(db);
  const out = new Map<number, Array<{ aspect: string; mentions: number; negative: number }>>();
  for (const row of r.rows) {
    const list = out.get(row.subject_id) ?? [];
    list.push({ aspect: row.aspect, mentions: row.mentions, negative: row.negative });
    out.set(row.subject_id, list);
  }
  return out;
}

export async function openIssueCounts(db: Kysely<Database>): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('issues')
    .select(['subject_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '<>', 'resolved')
    .where('merged_into', 'is', null)
    .groupBy('subject_id')
    .execute();
  return new Map(rows.filter((r) => r.subject_id !== null).map((r) => [r.subject_id!, Number(r.n)]));
}

export async function openCaseCounts(db: Kysely<Database>): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['subject_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'not in', ['resolved', 'closed'])
    .groupBy('subject_id')
    .execute();
  return new Map(rows.filter((r) => r.subject_id !== null).map((r) => [r.subject_id!, Number(r.n)]));
}

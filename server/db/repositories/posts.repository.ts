import { type Kysely, sql, type Transaction } from 'kysely';
import type { RollupInput } from '../../analysis/rollups';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

/** A deleted post with what it counted for, so its rollup contribution can be taken back. */
export interface DeletedPost extends RollupInput {
  id: number;
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

/** A stored post an edit may replace, with what it counts for now. */
export interface EditTarget extends RollupInput {
  id: number;
  nativeId: string;
  /** The version stored: the network's time of its edit, or null for the original. */
  editedAt: Date | null;
  deleted: boolean;
  /** The latest label an analyst gave the post, which an edit keeps. */
  correctedLabel: string | null;
}

/** The stored posts of these native ids, locked until the edits to them are written. */
export async function postsForEdit(db: Db, source: string, nativeIds: string[]): Promise<EditTarget[]> {
  if (nativeIds.length === 0) return [];
  const r = await sql<{
    id: number;
    native_id: string;
    edited_at: Date | null;
    created_at: Date;
    kind: string;
    author_id: string;
    sentiment_label: string | null;
    sentiment_score: number | null;
    aspects: Array<{ aspect: string; polarity: number }>;
    deleted: boolean;
    subject_ids: number[];
    corrected_label: string | null;
  }>`
    select p.id, p.native_id, p.edited_at, p.created_at, p.kind, p.author_id, p.sentiment_label, p.sentiment_score, p.aspects,
      p.deleted_at is not null as deleted,
      coalesce((select array_agg(ps.subject_id order by ps.subject_id) from post_subjects ps where ps.post_id = p.id), '{}') as subject_ids,
      (select c.label from label_corrections c where c.post_id = p.id order by c.created_at desc, c.id desc limit 1) as corrected_label
    from posts p
    where p.source = ${source} and p.native_id = any(${nativeIds}::text[])
    for update of p`.execute(db);
  return r.rows.map((row) => ({
    id: row.id,
    nativeId: row.native_id,
    editedAt: row.edited_at,
    createdAt: row.created_at,
    kind: row.kind,
    authorId: row.author_id,
    label: row.sentiment_label,
    score: row.sentiment_score,
    aspects: row.aspects,
    deleted: row.deleted,
    subjectIds: row.subject_ids,
    correctedLabel: row.corrected_label,
  }));
}

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;

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

import { sql, type Kysely, type Transaction } from 'kysely';
import { hourBucket } from '../../analysis/rollups';
import type { Database } from '../tables';

type Db = Kysely<Database> | Transaction<Database>;
type Label = 'positive' | 'neutral' | 'negative';

/**
 * Records an analyst's label for a post and moves the post's count from its old label to the new
 * one in every rollup it is counted in. Returns the previous label, or undefined if no such post.
 */
export async function correctLabel(db: Kysely<Database>, postId: number, label: Label, userId: number | null): Promise<{ previous: string | null } | undefined> {
  return db.transaction().execute(async (trx) => {
    const post = await trx.selectFrom('posts').select(['id', 'sentiment_label', 'created_at', 'kind', 'deleted_at']).where('id', '=', postId).forUpdate().executeTakeFirst();
    if (!post) return undefined;
    await trx.insertInto('label_corrections').values({ post_id: postId, label, previous_label: post.sentiment_label, user_id: userId }).execute();
    if (post.sentiment_label === label) return { previous: post.sentiment_label };
    await trx.updateTable('posts').set({ sentiment_label: label }).where('id', '=', postId).execute();
    // Reposts and deleted posts are not in the sentiment counts.
    if (post.kind !== 'repost' && post.deleted_at === null) await moveLabelCount(trx, postId, hourBucket(post.created_at), post.sentiment_label, label);
    return { previous: post.sentiment_label };
  });
}

async function moveLabelCount(trx: Db, postId: number, bucket: Date, from: string | null, to: Label): Promise<void> {
  const column = (l: string | null) => (l === 'positive' || l === 'negative' || l === 'neutral' ? l : 'unscored');
  const dec = sql.ref(column(from));
  const inc = sql.ref(to);
  await sql`
    update rollups set ${dec} = ${dec} - 1, ${inc} = ${inc} + 1
    where bucket = ${bucket} and subject_id in (select subject_id from post_subjects where post_id = ${postId})`.execute(trx);
}

export async function correctionsForPost(db: Db, postId: number) {
  return db.selectFrom('label_corrections').select(['label', 'created_at', 'user_id']).where('post_id', '=', postId).orderBy('created_at').execute();
}

/** The deployment's corrections with the corrected texts: what the sentiment engine adapts to. */
export async function allCorrections(db: Db, limit = 50_000): Promise<Array<{ text: string; label: Label }>> {
  // The latest correction per post wins.
  const rows = await sql<{ text: string; label: Label }>`
    select distinct on (c.post_id) p.text, c.label from label_corrections c join posts p on p.id = c.post_id
    order by c.post_id, c.created_at desc, c.id desc limit ${limit}`.execute(db);
  return rows.rows;
}

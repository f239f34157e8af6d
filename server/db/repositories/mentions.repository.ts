import { type Kysely, sql } from 'kysely';
import type { Database, PostRow } from '../tables';

export interface MentionFilters {
  from?: Date;
  to?: Date;
  subjectId?: number;
  label?: string;
  source?: string;
  lang?: string;
  intent?: string;
  issueId?: number;
  hasReference?: boolean;
  text?: string;
  includeReposts?: boolean;
  before?: { createdAt: Date; id: number };
  /** Only these posts. */
  ids?: number[];
  limit: number;
}

export interface MentionRow extends PostRow {
  subject_ids: number[];
  issue_ids: number[];
  /** The cases the post is part of, so a reader sees it is already being handled. */
  case_ids: number[];
  repost_count: number;
}

/** What a mention carries beyond its post row (MentionRow), for a query over `posts as p`. */
export function mentionColumns() {
  return [
    sql<number[]>`coalesce((select array_agg(ps.subject_id) from post_subjects ps where ps.post_id = p.id), '{}')`.as('subject_ids'),
    sql<number[]>`coalesce((select array_agg(pi.issue_id) from post_issues pi where pi.post_id = p.id), '{}')`.as('issue_ids'),
    sql<number[]>`coalesce((select array_agg(distinct cl.case_id) from case_links cl where cl.post_id = p.id), '{}')`.as('case_ids'),
    sql<number>`(select count(*)::int from posts r where r.source = p.source and r.repost_of_native_id = p.native_id and r.kind = 'repost')`.as('repost_count'),
  ] as const;
}

/** Newest first, keyset-paginated on (created_at, id). Deleted posts are left out. */
export async function listMentions(db: Kysely<Database>, f: MentionFilters): Promise<MentionRow[]> {
  let q = db
    .selectFrom('posts as p')
    .selectAll('p')
    .select(mentionColumns())
    .where('p.deleted_at', 'is', null);
  if (f.subjectId !== undefined) {
    q = q.where((eb) => eb.exists(eb.selectFrom('post_subjects as ps').select(sql`1`.as('one')).whereRef('ps.post_id', '=', 'p.id').where('ps.subject_id', '=', f.subjectId!)));
  }
  if (f.issueId !== undefined) {
    q = q.where((eb) => eb.exists(eb.selectFrom('post_issues as pi').select(sql`1`.as('one')).whereRef('pi.post_id', '=', 'p.id').where('pi.issue_id', '=', f.issueId!)));
  }
  if (f.ids) q = q.where('p.id', 'in', f.ids.length ? f.ids : [-1]);
  if (f.from) q = q.where('p.created_at', '>=', f.from);
  if (f.to) q = q.where('p.created_at', '<', f.to);
  if (f.label) q = q.where('p.sentiment_label', '=', f.label);
  if (f.source) q = q.where('p.source', '=', f.source);
  if (f.lang) q = q.where('p.lang', '=', f.lang);
  if (f.intent) q = q.where('p.intent', '=', f.intent);
  if (f.hasReference !== undefined) q = q.where(f.hasReference ? sql<boolean>`jsonb_array_length(p.refs) > 0` : sql<boolean>`jsonb_array_length(p.refs) = 0`);
  if (f.text) q = q.where('p.text', 'ilike', `%${escapeLike(f.text)}%`);
  if (!f.includeReposts) q = q.where('p.kind', '<>', 'repost');
  if (f.before) {
    const b = f.before;
    q = q.where((eb) => eb.or([eb('p.created_at', '<', b.createdAt), eb.and([eb('p.created_at', '=', b.createdAt), eb('p.id', '<', b.id)])]));
  }
  return (await q.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(f.limit).execute()) as MentionRow[];
}

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%". */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function getPost(db: Kysely<Database>, id: number): Promise<PostRow | undefined> {
  return db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recentPosts(db: Kysely<Database>, limit: number): Promise<Array<Pick<PostRow, 'id' | 'text' | 'created_at' | 'author_handle' | 'lang'>>> {
  return db.selectFrom('posts').select(['id', 'text', 'created_at', 'author_handle', 'lang']).where('deleted_at', 'is', null).orderBy('created_at', 'desc').limit(limit).execute();
}

import type { Kysely } from 'kysely';
import type { MentionsQuery, MentionsResponse, PostView } from '../../shared/api/posts';
import { resolveRange, type RangeQuery } from '../../shared/api/range';
import { AppError } from '../http/errors';
import { listMentions, type MentionRow } from '../db/repositories/mentions.repository';
import type { Database } from '../db/tables';

export async function mentions(db: Kysely<Database>, q: MentionsQuery, range: RangeQuery | null, now: Date): Promise<MentionsResponse> {
  const r = range ? resolveRange(range, now) : null;
  const rows = await listMentions(db, {
    from: r?.from,
    to: r?.to,
    subjectId: q.subject,
    label: q.sentiment,
    source: q.source,
    lang: q.lang,
    intent: q.intent,
    issueId: q.issue,
    hasReference: q.hasReference === undefined ? undefined : q.hasReference === 'true',
    text: q.q,
    includeReposts: q.includeReposts === 'true',
    before: q.before ? decodeCursor(q.before) : undefined,
    limit: q.limit,
  });
  const last = rows.at(-1);
  return { posts: rows.map(toPostView), next: rows.length === q.limit && last ? encodeCursor(last) : null };
}

export function toPostView(r: MentionRow): PostView {
  return {
    id: r.id,
    source: r.source,
    nativeId: r.native_id,
    url: r.url,
    author: { id: r.author_id, handle: r.author_handle, name: r.author_name, followers: r.author_followers },
    createdAt: r.created_at.toISOString(),
    text: r.text,
    lang: r.lang,
    kind: r.kind,
    sentiment: { score: r.sentiment_score, label: r.sentiment_label as PostView['sentiment']['label'], confidence: r.sentiment_confidence },
    aspects: r.aspects as PostView['aspects'],
    intent: r.intent as PostView['intent'],
    references: r.refs,
    subjectIds: r.subject_ids,
    issueIds: r.issue_ids,
    caseIds: r.case_ids,
    reposts: r.repost_count,
    deleted: r.deleted_at !== null,
  };
}

function encodeCursor(r: MentionRow): string {
  return `${r.created_at.toISOString()}_${r.id}`;
}

function decodeCursor(s: string): { createdAt: Date; id: number } {
  const m = /^(.+)_(\d+)$/.exec(s);
  const createdAt = m ? new Date(m[1]!) : new Date(NaN);
  if (!m || Number.isNaN(createdAt.getTime())) throw new AppError(400, 'invalid_cursor', 'The `before` cursor is not one this API returned.');
  return { createdAt, id: Number(m[2]) };
}

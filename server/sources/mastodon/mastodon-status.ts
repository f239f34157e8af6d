/**
 * Mastodon Status JSON → NormalizedPost. Pure. The native id is the status id, which is unique only
 * on its instance; a Mastodon source is one instance, so (source, native id) stays unique.
 */
import { z } from 'zod';
import type { NormalizedPost, PostKind } from '../source';
import { htmlToText } from './html-text';

const account = z.object({
  id: z.string(),
  username: z.string().optional(),
  acct: z.string().optional(),
  display_name: z.string().optional(),
  followers_count: z.number().optional(),
});

const baseStatus = z.object({
  id: z.string().regex(/^\d{1,30}$/),
  created_at: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not a time'),
  in_reply_to_id: z.string().nullish(),
  language: z.string().nullish(),
  url: z.string().nullish(),
  uri: z.string().optional(),
  content: z.string().max(1_000_000),
  spoiler_text: z.string().optional(),
  account,
  replies_count: z.number().optional(),
  reblogs_count: z.number().optional(),
  favourites_count: z.number().optional(),
  edited_at: z.string().nullish(),
  tags: z.array(z.object({ name: z.string() })).optional(),
});

export const mastodonStatus = baseStatus.extend({ reblog: baseStatus.nullish() });
export type MastodonStatus = z.infer<typeof mastodonStatus>;

export type StatusResult = { ok: true; status: MastodonStatus } | { ok: false; reason: string };

export function parseStatus(raw: unknown): StatusResult {
  const parsed = mastodonStatus.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, status: parsed.data };
}

/**
 * A reblog is a repost whose text is the original's; a content warning (spoiler_text) is part of
 * what the person said, so it leads the text.
 * @example statusToPost(status, 'mastodon:social').text // 'CW: late parcel\n\nAcme lost it'
 */
export function statusToPost(status: MastodonStatus, source: string): NormalizedPost {
  const shown = status.reblog ?? status;
  const body = htmlToText(shown.content);
  const warning = shown.spoiler_text?.trim() ? htmlToText(shown.spoiler_text) : '';
  const kind: PostKind = status.reblog ? 'repost' : status.in_reply_to_id ? 'reply' : 'original';
  return {
    source,
    nativeId: status.id,
    url: httpUrl(status.url) ?? httpUrl(shown.url) ?? httpUrl(status.uri),
    author: {
      id: status.account.id,
      handle: status.account.acct ?? status.account.username ?? null,
      name: status.account.display_name || null,
      followers: status.account.followers_count ?? null,
    },
    createdAt: new Date(status.created_at),
    text: warning ? `${warning}\n\n${body}` : body,
    lang: shown.language ?? null,
    kind,
    parentNativeId: kind === 'reply' ? (status.in_reply_to_id ?? null) : null,
    repostOfNativeId: status.reblog?.id ?? null,
    metrics: {
      replies: shown.replies_count ?? 0,
      reposts: shown.reblogs_count ?? 0,
      likes: shown.favourites_count ?? 0,
    },
  };
}

// Links go to the dashboard as hrefs: only http(s) ever passes (a javascript: URL from a hostile instance does not).
function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Snowflake ids compare as numbers; they exceed 2^53, so compare as digit strings. */
export function newerId(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.length !== b.length) return a.length > b.length ? a : b;
  return a > b ? a : b;
}

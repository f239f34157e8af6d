/**
 * Jetstream (v1) frames → what the ingester stores. Pure: a text frame in, a typed event or a
 * NormalizedPost out. Frame shapes: ../shared/reference/x-api-and-feeds.md (d).
 *
 * Native ids are the post's AT URI, `at://<did>/app.bsky.feed.post/<rkey>`, the same id the file
 * importer gives a Jetstream commit (external-post.ts), so an imported post and a streamed one meet.
 */
import { z } from 'zod';
import type { NormalizedPost, PostKind } from '../source';

export const POST_COLLECTION = 'app.bsky.feed.post';

const strongRef = z.object({ uri: z.string(), cid: z.string().optional() });

/** The parts of an app.bsky.feed.post record Earshot reads; anything else is ignored. */
const postRecord = z.object({
  text: z.string().max(100_000),
  createdAt: z.string(),
  langs: z.array(z.string()).optional(),
  reply: z.object({ root: strongRef.optional(), parent: strongRef }).optional(),
  embed: z.unknown().optional(),
  tags: z.array(z.string()).optional(),
});
export type PostRecord = z.infer<typeof postRecord>;

const commitEvent = z.object({
  did: z.string().min(1),
  time_us: z.number().int().nonnegative(),
  kind: z.literal('commit'),
  commit: z.object({
    rev: z.string().optional(),
    operation: z.enum(['create', 'update', 'delete']),
    collection: z.string(),
    rkey: z.string().min(1),
    record: z.unknown().optional(),
    cid: z.string().optional(),
  }),
});

const identityEvent = z.object({
  did: z.string().min(1),
  time_us: z.number().int().nonnegative(),
  kind: z.literal('identity'),
  identity: z.object({ did: z.string().optional(), handle: z.string().optional() }).optional(),
});

const accountEvent = z.object({
  did: z.string().min(1),
  time_us: z.number().int().nonnegative(),
  kind: z.literal('account'),
  account: z.object({ active: z.boolean().optional(), status: z.string().optional() }).optional(),
});

const jetstreamEvent = z.discriminatedUnion('kind', [commitEvent, identityEvent, accountEvent]);
export type JetstreamEvent = z.infer<typeof jetstreamEvent>;
export type CommitEvent = z.infer<typeof commitEvent>;

export type ParsedFrame =
  | { ok: true; event: JetstreamEvent }
  /** A heartbeat answer or an event kind this version does not know: not an error, nothing to do. */
  | { ok: true; event: null }
  | { ok: false; reason: string };

/** Parses one text frame. @example parseFrame('{"kind":"heartbeat","payload":""}') // { ok: true, event: null } */
export function parseFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  const kind = (raw as { kind?: unknown }).kind;
  if (kind === 'heartbeat') return { ok: true, event: null };
  if (kind !== 'commit' && kind !== 'identity' && kind !== 'account') {
    return typeof kind === 'string' ? { ok: true, event: null } : { ok: false, reason: 'no kind' };
  }
  const parsed = jetstreamEvent.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, event: parsed.data };
}

/** @example postUri('did:plc:abc', '3k2a') // 'at://did:plc:abc/app.bsky.feed.post/3k2a' */
export function postUri(did: string, rkey: string): string {
  return `at://${did}/${POST_COLLECTION}/${rkey}`;
}

/** @example postUrl('did:plc:abc', '3k2a') // 'https://bsky.app/profile/did:plc:abc/post/3k2a' */
export function postUrl(did: string, rkey: string): string {
  return `https://bsky.app/profile/${encodeURIComponent(did).replace(/%3A/g, ':')}/post/${encodeURIComponent(rkey)}`;
}

export type CommitResult =
  | { type: 'post'; post: NormalizedPost; edit: boolean }
  | { type: 'delete'; nativeId: string }
  | { type: 'ignored' }
  | { type: 'invalid'; reason: string };

/**
 * Turns a commit for app.bsky.feed.post into a post or a delete. Creates and updates carry the record;
 * an update is an edit of the same native id. `handle` is the author's handle when an identity event
 * told it (Jetstream commits carry only the DID).
 */
export function commitToPost(event: CommitEvent, source: string, handle: string | null = null): CommitResult {
  const { commit, did } = event;
  if (commit.collection !== POST_COLLECTION) return { type: 'ignored' };
  const nativeId = postUri(did, commit.rkey);
  if (commit.operation === 'delete') return { type: 'delete', nativeId };
  const parsed = postRecord.safeParse(commit.record);
  if (!parsed.success) return { type: 'invalid', reason: `record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const record = parsed.data;
  const createdAt = validTime(record.createdAt) ?? new Date(Math.floor(event.time_us / 1000));
  const quoted = quotedUri(record.embed);
  const parent = record.reply?.parent.uri ?? null;
  const kind: PostKind = parent ? 'reply' : quoted ? 'quote' : 'original';
  return {
    type: 'post',
    edit: commit.operation === 'update',
    post: {
      source,
      nativeId,
      url: postUrl(did, commit.rkey),
      author: { id: did, handle, name: null, followers: null },
      createdAt,
      text: record.text,
      lang: record.langs?.[0] ?? null,
      kind,
      parentNativeId: parent ?? quoted,
      repostOfNativeId: null,
      metrics: null,
    },
  };
}

// A record's createdAt is written by the client and may be anything; Jetstream's own time is the fallback.
function validTime(value: string): Date | null {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The post a record quotes: app.bsky.embed.record, or the record part of app.bsky.embed.recordWithMedia. */
export function quotedUri(embed: unknown): string | null {
  if (!isObj(embed)) return null;
  const type = embed.$type;
  const ref = type === 'app.bsky.embed.record' ? embed.record : type === 'app.bsky.embed.recordWithMedia' && isObj(embed.record) ? embed.record.record : null;
  if (!isObj(ref) || typeof ref.uri !== 'string') return null;
  // Quoting a list or a feed generator is an embed too; only posts are posts.
  return ref.uri.startsWith('at://') && ref.uri.includes(`/${POST_COLLECTION}/`) ? ref.uri : null;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

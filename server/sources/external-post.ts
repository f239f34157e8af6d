/**
 * Recognises the post shapes other tools produce and turns them into NormalizedPost:
 * Earshot's own (the webhook shape), X API v2 tweets, X archive `tweets.js` entries, Bluesky
 * (app.bsky.feed.defs#postView and Jetstream commit events). Anything else is refused with reasons.
 */
import { externalPost } from '../../shared/api/ingest';
import type { NormalizedPost, PostKind } from './source';

export type Recognised = { ok: true; post: NormalizedPost } | { ok: false; errors: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null);

/** Normalises one item; `source` is the source id the posts are stored under. */
export function recognisePost(raw: unknown, source: string): Recognised {
  if (!isObj(raw)) return { ok: false, errors: [`expected an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`] };
  const shaped = fromXArchive(raw) ?? fromXApi(raw) ?? fromBluesky(raw) ?? raw;
  const parsed = externalPost.safeParse(shaped);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`) };
  const p = parsed.data;
  const createdAt = new Date(p.createdAt);
  if (Number.isNaN(createdAt.getTime())) return { ok: false, errors: ['createdAt: not a valid time'] };
  return {
    ok: true,
    post: {
      source,
      nativeId: p.id,
      url: p.url ?? null,
      author: { id: p.author.id, handle: p.author.handle ?? null, name: p.author.name ?? null, followers: p.author.followers ?? null },
      createdAt,
      text: p.text,
      lang: p.lang ?? null,
      kind: p.kind,
      parentNativeId: p.parentId ?? null,
      repostOfNativeId: p.repostOfId ?? null,
      metrics: p.metrics ?? null,
    },
  };
}

// X archive (tweets.js): { tweet: { id_str, full_text, created_at: 'Wed Oct 10 20:19:24 +0000 2018', lang, ... } }
function fromXArchive(raw: Obj): Obj | null {
  const t = isObj(raw.tweet) ? raw.tweet : 'full_text' in raw && 'id_str' in raw ? raw : null;
  if (!t) return null;
  const created = str(t.created_at);
  const user = isObj(t.user) ? t.user : {};
  const handle = str(user.screen_name);
  return {
    id: str(t.id_str) ?? str(t.id),
    text: str(t.full_text) ?? str(t.text) ?? '',
    createdAt: created ? new Date(created).toISOString() : undefined,
    author: { id: str(user.id_str) ?? handle ?? 'archive-owner', handle, name: str(user.name) },
    lang: str(t.lang),
    kind: t.retweeted_status ? 'repost' : str(t.in_reply_to_status_id_str) ? 'reply' : 'original',
    parentId: str(t.in_reply_to_status_id_str),
    url: handle && str(t.id_str) ? `https://x.com/${handle}/status/${str(t.id_str)}` : null,
  };
}

// X API v2 tweet: { id, text, created_at, author_id, lang, referenced_tweets, public_metrics, (author from includes) }
function fromXApi(raw: Obj): Obj | null {
  if (!('author_id' in raw) || !('text' in raw) || !('id' in raw)) return null;
  const refs = Array.isArray(raw.referenced_tweets) ? raw.referenced_tweets.filter(isObj) : [];
  const ref = (type: string) => str(refs.find((r) => r.type === type)?.id);
  const kind: PostKind = ref('retweeted') ? 'repost' : ref('quoted') ? 'quote' : ref('replied_to') ? 'reply' : 'original';
  const author = isObj(raw.author) ? raw.author : {};
  const handle = str(author.username);
  return {
    id: str(raw.id),
    text: raw.text,
    createdAt: raw.created_at,
    author: { id: str(raw.author_id), handle, name: str(author.name), followers: isObj(author.public_metrics) ? author.public_metrics.followers_count : undefined },
    lang: str(raw.lang),
    kind,
    parentId: ref('replied_to') ?? ref('quoted'),
    repostOfId: ref('retweeted'),
    metrics: isObj(raw.public_metrics) ? raw.public_metrics : undefined,
    url: handle ? `https://x.com/${handle}/status/${str(raw.id)}` : null,
  };
}

// Bluesky postView { uri, author: { did, handle, displayName }, record: { text, createdAt, langs } }
// or a Jetstream commit { did, kind: 'commit', commit: { operation: 'create', rkey, record } }.
function fromBluesky(raw: Obj): Obj | null {
  if (isObj(raw.record) && str(raw.uri)?.startsWith('at://')) {
    const author = isObj(raw.author) ? raw.author : {};
    const rkey = str(raw.uri)!.split('/').pop();
    return {
      id: raw.uri,
      text: raw.record.text,
      createdAt: raw.record.createdAt,
      author: { id: str(author.did), handle: str(author.handle), name: str(author.displayName) },
      lang: Array.isArray(raw.record.langs) ? str(raw.record.langs[0]) : null,
      kind: isObj(raw.record.reply) ? 'reply' : 'original',
      url: str(author.handle) || str(author.did) ? `https://bsky.app/profile/${str(author.handle) ?? str(author.did)}/post/${rkey}` : null,
    };
  }
  if (isObj(raw.commit) && isObj(raw.commit.record) && str(raw.did)) {
    const c = raw.commit;
    const record = raw.commit.record as Obj;
    return {
      id: `at://${str(raw.did)}/app.bsky.feed.post/${str(c.rkey)}`,
      text: record.text,
      createdAt: record.createdAt,
      author: { id: str(raw.did), handle: null, name: null },
      lang: Array.isArray(record.langs) ? str(record.langs[0]) : null,
      kind: isObj(record.reply) ? 'reply' : 'original',
      url: `https://bsky.app/profile/${str(raw.did)}/post/${str(c.rkey)}`,
    };
  }
  return null;
}

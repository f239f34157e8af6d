/**
 * X API v2 posts (tweets) to Earshot's NormalizedPost. Pure: the JSON in, the post out.
 * A retweet is stored as kind 'repost' linked to the original (amplification, not a new voice);
 * a quote links the quoted post; a reply links the post it answers.
 */
import type { TweetV2, UserV2 } from 'twitter-api-v2';
import type { NormalizedPost, PostKind } from '../source';

/** The user objects of a response's `includes.users`, by id (the paginator repeats them per page). */
export function usersById(users: UserV2[] | undefined): Map<string, UserV2> {
  return new Map((users ?? []).map((u) => [u.id, u]));
}

/**
 * One post as the pipeline takes it.
 * @example normalizeTweet('x:acme', { id: '5', text: 'hi', edit_history_tweet_ids: ['5'] }, new Map(), now).url // null without an author
 */
export function normalizeTweet(source: string, tweet: TweetV2, users: Map<string, UserV2>, receivedAt: Date): NormalizedPost {
  const author = tweet.author_id ? users.get(tweet.author_id) : undefined;
  const refs = tweet.referenced_tweets ?? [];
  const retweeted = refs.find((r) => r.type === 'retweeted');
  const quoted = refs.find((r) => r.type === 'quoted');
  const repliedTo = refs.find((r) => r.type === 'replied_to');
  const kind: PostKind = retweeted ? 'repost' : quoted ? 'quote' : repliedTo ? 'reply' : 'original';
  const createdAt = tweet.created_at ? new Date(tweet.created_at) : receivedAt;
  const metrics = tweet.public_metrics ? numbers(tweet.public_metrics as unknown as Record<string, unknown>) : null;
  return {
    source,
    nativeId: tweet.id,
    // x.com resolves /i/status/<id> too, for a post whose author was not expanded.
    url: `https://x.com/${author?.username ?? 'i'}/status/${tweet.id}`,
    author: {
      id: tweet.author_id ?? 'unknown',
      handle: author?.username ?? null,
      name: author?.name ?? null,
      followers: author?.public_metrics?.followers_count ?? null,
    },
    createdAt: Number.isNaN(createdAt.getTime()) ? receivedAt : createdAt,
    text: tweet.text ?? '',
    lang: tweet.lang && tweet.lang !== 'und' && tweet.lang !== 'zxx' ? tweet.lang : null,
    kind,
    parentNativeId: (quoted ?? repliedTo)?.id ?? null,
    repostOfNativeId: retweeted?.id ?? null,
    metrics,
  };
}

function numbers(record: Record<string, unknown>): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return Object.keys(out).length ? out : null;
}

/** Compares decimal post ids (snowflakes exceed 2^53, so never as numbers). */
export function newerId(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

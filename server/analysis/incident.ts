/**
 * Incident mode (war room): the pure part. Posts matched by the incident's query come in; the
 * timeline by minute, stories (an original with its reposts, quotes and near-duplicates), the most
 * shared posts and new vs repeat voices come out. Reposts count as amplification, as in the rollups:
 * they add to `reposts` and to their story, never to posts, sentiment or voices.
 */
import { netSentiment } from './stats';
import type { QueryNode } from './query-types';

export interface IncidentPost {
  id: number;
  source: string;
  nativeId: string;
  authorId: string;
  authorHandle: string | null;
  authorFollowers: number | null;
  createdAt: Date;
  kind: 'original' | 'reply' | 'quote' | 'repost';
  repostOfNativeId: string | null;
  parentNativeId: string | null;
  dedupeKey: string | null;
  label: string | null;
  metrics: Record<string, number> | null;
}

const MINUTE = 60_000;
const STEPS = [1, 5, 15, 60, 240, 1440];
const MAX_BUCKETS = 720;

/**
 * The bucket size: a minute while that keeps the chart readable (12 hours), coarser after.
 * @example bucketMinutesFor(new Date('2026-01-01T10:00Z'), new Date('2026-01-01T11:00Z')) // 1
 */
export function bucketMinutesFor(from: Date, to: Date): number {
  const minutes = Math.max(1, (to.getTime() - from.getTime()) / MINUTE);
  return STEPS.find((s) => minutes / s <= MAX_BUCKETS) ?? STEPS[STEPS.length - 1]!;
}

/** Identifies an author across sources (ids are only unique within a network). */
export const authorKey = (source: string, authorId: string) => `${source}\n${authorId}`;

export interface TimelineBucket {
  t: Date;
  posts: number;
  reposts: number;
  positive: number;
  negative: number;
  neutral: number;
  unscored: number;
  net: number | null;
  /** Authors not seen before the incident whose first post of the incident falls in this bucket. */
  newVoices: number;
}

/**
 * Every bucket from the one holding `from` up to `to` (gaps are zeros), with posts counted by label.
 * @example timeline([post at 10:00:30 'negative'], 10:00, 10:02, 1)[0] // { posts: 1, negative: 1, net: -100, ... }
 */
export function timeline(posts: IncidentPost[], from: Date, to: Date, bucketMinutes: number, newAuthors: ReadonlySet<string> = new Set()): TimelineBucket[] {
  const step = bucketMinutes * MINUTE;
  const start = Math.floor(from.getTime() / step) * step;
  const count = Math.max(1, Math.ceil((to.getTime() - start) / step));
  const buckets: TimelineBucket[] = Array.from({ length: count }, (_, i) => ({ t: new Date(start + i * step), posts: 0, reposts: 0, positive: 0, negative: 0, neutral: 0, unscored: 0, net: null, newVoices: 0 }));
  const counted = new Set<string>();
  for (const p of [...posts].sort(byTime)) {
    const b = buckets[Math.floor((p.createdAt.getTime() - start) / step)];
    if (!b) continue;
    if (p.kind === 'repost') {
      b.reposts++;
      continue;
    }
    b.posts++;
    if (p.label === 'positive' || p.label === 'negative' || p.label === 'neutral') b[p.label]++;
    else b.unscored++;
    const key = authorKey(p.source, p.authorId);
    if (newAuthors.has(key) && !counted.has(key)) {
      counted.add(key);
      b.newVoices++;
    }
  }
  for (const b of buckets) b.net = netSentiment(b);
  return buckets;
}

const byTime = (a: IncidentPost, b: IncidentPost) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;

/** The post a repost or quote shares, as a key (replies are conversation, not sharing). */
function sharedKey(p: IncidentPost): string | null {
  if (p.kind === 'repost' && p.repostOfNativeId) return `${p.source}\n${p.repostOfNativeId}`;
  if (p.kind === 'quote' && p.parentNativeId) return `${p.source}\n${p.parentNativeId}`;
  return null;
}

export interface Story {
  /** The earliest original of the story in the incident, else its earliest post. */
  representativeId: number;
  posts: number;
  reposts: number;
  quotes: number;
  /** Other posts (not reposts or quotes of it) with the same text as the representative's story. */
  duplicates: number;
  authors: number;
  firstAt: Date;
  lastAt: Date;
  /** Every post of the story, oldest first. */
  postIds: number[];
}

/**
 * Collapses reposts, quotes and near-duplicates (same dedupe key) into stories, largest first.
 * A repost whose original is older than the incident still joins the other reposts of that original.
 * @example stories([original, repostOfIt, sameTextElsewhere]) // [{ posts: 3, reposts: 1, duplicates: 1 }]
 */
export function stories(posts: IncidentPost[], limit = 20): Story[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps thousands of reposts of one original cheap.
    let cur = k;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const self = (p: IncidentPost) => `${p.source}\n${p.nativeId}`;
  for (const p of posts) {
    parent.set(self(p), parent.get(self(p)) ?? self(p));
    if (p.dedupeKey) union(self(p), `dedupe\n${p.dedupeKey}`);
    const shared = sharedKey(p);
    if (shared) union(self(p), shared);
  }
  const groups = new Map<string, IncidentPost[]>();
  for (const p of [...posts].sort(byTime)) {
    const root = find(self(p));
    const list = groups.get(root);
    if (list) list.push(p);
    else groups.set(root, [p]);
  }
  const out: Story[] = [];
  for (const members of groups.values()) {
    const representative = members.find((p) => p.kind !== 'repost' && p.kind !== 'quote') ?? members[0]!;
    const reposts = members.filter((p) => p.kind === 'repost').length;
    const quotes = members.filter((p) => p.kind === 'quote').length;
    out.push({
      representativeId: representative.id,
      posts: members.length,
      reposts,
      quotes,
      duplicates: members.length - 1 - reposts - quotes + (representative.kind === 'repost' || representative.kind === 'quote' ? 1 : 0),
      authors: new Set(members.map((p) => authorKey(p.source, p.authorId))).size,
      firstAt: members[0]!.createdAt,
      lastAt: members[members.length - 1]!.createdAt,
      postIds: members.map((p) => p.id),
    });
  }
  return out.sort((a, b) => b.posts - a.posts || a.firstAt.getTime() - b.firstAt.getTime()).slice(0, limit);
}

/** Share counts the networks report (X: retweet_count + quote_count; Mastodon: reblogs_count...). */
const REPORTED_SHARES = ['retweet_count', 'quote_count', 'repost_count', 'reposts', 'quotes', 'reblogs_count', 'reblogs'];

export interface SharedPost {
  id: number;
  /** Reposts and quotes of it seen in the incident. */
  observed: number;
  /** What the network reports, when it does. */
  reported: number;
  /** The larger of the two: the network's count includes what we saw, when it has one. */
  shares: number;
}

/**
 * The most shared posts (reposts themselves left out), most shares first.
 * @example mostShared([original, repostOfIt, repostOfIt2])[0] // { id: original.id, observed: 2, shares: 2 }
 */
export function mostShared(posts: IncidentPost[], limit = 10): SharedPost[] {
  const observed = new Map<string, number>();
  for (const p of posts) {
    const k = sharedKey(p);
    if (k) observed.set(k, (observed.get(k) ?? 0) + 1);
  }
  return posts
    .filter((p) => p.kind !== 'repost')
    .map((p) => {
      const seen = observed.get(`${p.source}\n${p.nativeId}`) ?? 0;
      const reported = REPORTED_SHARES.reduce((sum, k) => sum + (p.metrics?.[k] ?? 0), 0);
      return { post: p, row: { id: p.id, observed: seen, reported, shares: Math.max(seen, reported) } };
    })
    .filter((x) => x.row.shares > 0)
    .sort((a, b) => b.row.shares - a.row.shares || byTime(a.post, b.post))
    .slice(0, limit)
    .map((x) => x.row);
}

export interface Voices {
  /** Distinct authors of posts in the incident (reposters left out). */
  total: number;
  /** Authors who had never posted before the incident started. */
  new: number;
  repeat: number;
  /** new / total, or null with no authors. */
  newShare: number | null;
  /** The new voices with the largest audiences. */
  loudestNew: Array<{ source: string; authorId: string; handle: string | null; followers: number | null; posts: number }>;
}

/** Distinct authors of the incident (reposters left out), as authorKey()s, for the "seen before" lookup. */
export function incidentAuthors(posts: IncidentPost[]): Array<{ source: string; authorId: string }> {
  const seen = new Map<string, { source: string; authorId: string }>();
  for (const p of posts) if (p.kind !== 'repost') seen.set(authorKey(p.source, p.authorId), { source: p.source, authorId: p.authorId });
  return [...seen.values()];
}

/**
 * New vs repeat voices: `seenBefore` holds the authorKey()s of authors with a post before the start.
 * @example voices([postByAnn, postByBob], new Set([authorKey('x', 'ann')])) // { total: 2, new: 1, repeat: 1 }
 */
export function voices(posts: IncidentPost[], seenBefore: ReadonlySet<string>, limit = 10): Voices {
  const byAuthor = new Map<string, { source: string; authorId: string; handle: string | null; followers: number | null; posts: number }>();
  for (const p of posts) {
    if (p.kind === 'repost') continue;
    const key = authorKey(p.source, p.authorId);
    const a = byAuthor.get(key) ?? { source: p.source, authorId: p.authorId, handle: p.authorHandle, followers: p.authorFollowers, posts: 0 };
    a.posts++;
    a.followers = Math.max(a.followers ?? 0, p.authorFollowers ?? 0) || a.followers;
    byAuthor.set(key, a);
  }
  const fresh = [...byAuthor].filter(([k]) => !seenBefore.has(k)).map(([, a]) => a);
  const total = byAuthor.size;
  return {
    total,
    new: fresh.length,
    repeat: total - fresh.length,
    newShare: total === 0 ? null : fresh.length / total,
    loudestNew: fresh.sort((a, b) => (b.followers ?? 0) - (a.followers ?? 0) || b.posts - a.posts).slice(0, limit),
  };
}

/**
 * A condition the database can check cheaply and that every post the query matches passes (a
 * superset: the matcher decides). `contains` is a case-insensitive substring of the text with
 * apostrophes removed (the matcher drops them inside words); null means "no filter possible".
 */
export type Prefilter =
  | { type: 'contains'; value: string }
  | { type: 'lang'; value: string }
  | { type: 'from'; value: string }
  | { type: 'and'; children: Prefilter[] }
  | { type: 'or'; children: Prefilter[] };

/**
 * @example prefilter(parseQuery('"flight 212" OR #ek212').query) // { type: 'or', children: [{ type: 'and', children: [contains flight, contains 212] }, { type: 'contains', value: 'ek212' }] }
 */
export function prefilter(node: QueryNode): Prefilter | null {
  switch (node.type) {
    case 'term':
      if (node.kind === 'lang') return { type: 'lang', value: node.value };
      if (node.kind === 'from') return { type: 'from', value: node.value };
      if (node.kind === 'phrase') return node.words.length === 1 ? { type: 'contains', value: node.words[0]! } : { type: 'and', children: node.words.map((w) => ({ type: 'contains', value: w })) };
      return { type: 'contains', value: node.value };
    case 'and':
    case 'near': {
      const children = (node.type === 'and' ? node.children : [node.left, node.right]).map(prefilter).filter((c): c is Prefilter => c !== null);
      if (children.length === 0) return null;
      return children.length === 1 ? children[0]! : { type: 'and', children };
    }
    case 'or': {
      const children = node.children.map(prefilter);
      // One side that cannot be filtered lets anything through.
      if (children.some((c) => c === null)) return null;
      return children.length === 1 ? children[0]! : { type: 'or', children: children as Prefilter[] };
    }
    case 'not':
      // A post without the word's token can still contain it as a substring: no safe filter.
      return null;
  }
}

/**
 * A LIKE pattern for a `contains` prefilter: wildcards escaped, and non-ASCII letters left as `_`
 * (any one character), because the database's case folding can differ from JavaScript's there.
 * @example likePattern('école_1') // '%_cole\\_1%'
 */
export function likePattern(value: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII is exactly the range the database folds like JavaScript
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/[^\x00-\x7f]/gu, '_')}%`;
}

/**
 * Whether a word of the query can stand for a text word with an apostrophe in it ("dont" for
 * "don't"): the matcher drops an apostrophe followed by letters. Only then must the prefilter look
 * at the text without apostrophes, which costs more per row.
 * @example mayHideApostrophe('dont') // true; mayHideApostrophe('212') // false
 */
export function mayHideApostrophe(value: string): boolean {
  return value.length >= 2 && /\p{L}$/u.test(value);
}

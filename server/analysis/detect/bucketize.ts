/** Turns posts into time buckets, the detectors' input. */
import { contentWords, normalizeText } from '../issues/text';
import type { Bucket } from './types';

export interface BucketPost {
  id: string;
  createdAt: Date;
  authorId: string;
  source: string;
  /** Sentiment label, when scored; 'unscored' or null counts towards neither side. */
  label: 'positive' | 'neutral' | 'negative' | 'unscored' | null;
  /** When given, the bucket counts its words for the why's top terms. */
  text?: string;
}

export function emptyBucket(start: number): Bucket {
  return { start, posts: 0, authors: 0, authorIds: [], negative: 0, scored: 0, negativeAuthorIds: [], sources: {}, postIds: [], terms: {} };
}

const MAX_POST_IDS = 20;

/**
 * Buckets of `bucketMs` holding the given posts, in time order; empty buckets are left out.
 * @example bucketize(posts, 300_000)[0].authors // distinct authors in the first 5 minutes
 */
export function bucketize(posts: BucketPost[], bucketMs: number): Bucket[] {
  const byStart = new Map<number, { b: Bucket; authors: Set<string>; scored: Set<string>; negative: Set<string> }>();
  for (const p of posts) {
    const start = Math.floor(p.createdAt.getTime() / bucketMs) * bucketMs;
    let e = byStart.get(start);
    if (!e) {
      e = { b: emptyBucket(start), authors: new Set(), scored: new Set(), negative: new Set() };
      byStart.set(start, e);
    }
    const { b, authors, scored, negative } = e;
    b.posts++;
    const isNew = !authors.has(p.authorId);
    authors.add(p.authorId);
    // One loud account is one voice in the negative share too.
    if (p.label && p.label !== 'unscored') scored.add(p.authorId);
    if (p.label === 'negative') negative.add(p.authorId);
    b.sources[p.source] = (b.sources[p.source] ?? 0) + 1;
    // One post per author first: the why shows voices, not one account's repeats.
    if (isNew && (b.postIds?.length ?? 0) < MAX_POST_IDS) b.postIds?.push(p.id);
    if (p.text && isNew) {
      const terms = b.terms ?? {};
      for (const w of new Set(contentWords(normalizeText(p.text)).map((x) => x.word))) terms[w] = (terms[w] ?? 0) + 1;
      b.terms = terms;
    }
  }
  return [...byStart.values()]
    .map(({ b, authors, scored, negative }) => ({
      ...b,
      authors: authors.size,
      authorIds: [...authors],
      scored: scored.size,
      negative: negative.size,
      negativeAuthorIds: [...negative],
    }))
    .sort((a, b) => a.start - b.start);
}

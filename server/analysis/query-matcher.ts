/**
 * Matches posts against parsed queries. A post is tokenized once (words with positions, hashtags,
 * mentions) and shared by every subject; an inverted index of the words each query needs skips the
 * subjects a post cannot match, so fifty subjects cost little more than one.
 */
import type { QueryNode } from './query-types';

export interface MatchablePost {
  text: string;
  authorHandle: string | null;
  lang: string | null;
}

interface Prepared {
  /** The post's words in order (lower case, apostrophes and a trailing 's dropped)... */
  words: string[];
  /** ...and where each starts and ends in the lower-cased text. */
  starts: number[];
  ends: number[];
  /** word -> positions, built on first use: most posts of a broad stream reach no query at all. */
  index: Map<string, number[]> | null;
  hashtags: Set<string>;
  mentions: Set<string>;
  author: string | null;
  lang: string | null;
}

const WORD = /[\p{L}\p{N}_]+(?:['’]\p{L}+)?/gu;

function prepare(post: MatchablePost): Prepared {
  const lower = post.text.toLowerCase();
  // Long texts are cut: a post is never this long, and hostile input must stay cheap.
  const limited = lower.length > 20_000 ? lower.slice(0, 20_000) : lower;
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const hashtags = new Set<string>();
  const mentions = new Set<string>();
  WORD.lastIndex = 0;
  for (let m = WORD.exec(limited); m !== null; m = WORD.exec(limited)) {
    const raw = m[0];
    let w = raw;
    // Only the optional tail can hold an apostrophe: "acme's" -> "acme", "don't" -> "dont".
    if (w.includes("'") || w.includes('’')) {
      if (w.endsWith("'s") || w.endsWith('’s')) w = w.slice(0, -2);
      w = w.replace(/['’]/g, '');
    }
    const before = post.text[m.index - 1];
    if (before === '#' || before === '＃') hashtags.add(w);
    else if (before === '@') mentions.add(w);
    words.push(w);
    starts.push(m.index);
    ends.push(m.index + raw.length);
  }
  return { words, starts, ends, index: null, hashtags, mentions, author: post.authorHandle?.toLowerCase().replace(/^@/, '') ?? null, lang: post.lang?.toLowerCase() ?? null };
}

function positions(p: Prepared): Map<string, number[]> {
  if (p.index) return p.index;
  const index = new Map<string, number[]>();
  p.words.forEach((w, i) => {
    const list = index.get(w);
    if (list) list.push(i);
    else index.set(w, [i]);
  });
  return (p.index = index);
}

/** Token positions where a term occurs (phrases: where the phrase starts). */
function occurrences(node: Extract<QueryNode, { type: 'term' }>, p: Prepared): number[] {
  if (node.kind === 'phrase') {
    const first = positions(p).get(node.words[0]!) ?? [];
    return first.filter((i) => node.words.every((w, k) => p.words[i + k] === w));
  }
  if (node.prefix) {
    const out: number[] = [];
    for (const [w, pos] of positions(p)) if (w.startsWith(node.value)) out.push(...pos);
    return out;
  }
  return positions(p).get(node.value) ?? [];
}

/** Whether a term occurs at all: occurrences without building the list (most terms are asked only this). */
function occurs(node: Extract<QueryNode, { type: 'term' }>, p: Prepared): boolean {
  if (node.kind === 'phrase') {
    const first = positions(p).get(node.words[0]!);
    return first !== undefined && first.some((i) => node.words.every((w, k) => p.words[i + k] === w));
  }
  if (node.prefix) return p.words.some((w) => w.startsWith(node.value));
  return positions(p).has(node.value);
}

function evaluate(node: QueryNode, p: Prepared): boolean {
  switch (node.type) {
    case 'term':
      switch (node.kind) {
        case 'hashtag':
          return p.hashtags.has(node.value);
        case 'mention':
          return p.mentions.has(node.value);
        case 'from':
          return p.author === node.value;
        case 'lang':
          return p.lang !== null && (p.lang === node.value || p.lang.startsWith(`${node.value}-`));
        default:
          return occurs(node, p);
      }
    case 'and':
      return node.children.every((c) => evaluate(c, p));
    case 'or':
      return node.children.some((c) => evaluate(c, p));
    case 'not':
      return !evaluate(node.child, p);
    case 'near': {
      const a = positionsOf(node.left, p);
      const b = positionsOf(node.right, p);
      // NEAR/n: at most n words between the two sides, in either order (the common convention).
      return a.some((i) => b.some((j) => i !== j && Math.abs(i - j) - 1 <= node.distance));
    }
  }
}

/** Positions of every positive term under a node, for NEAR. */
function positionsOf(node: QueryNode, p: Prepared): number[] {
  if (node.type === 'term') return occurrences(node, p);
  if (node.type === 'not') return [];
  if (node.type === 'near') return evaluate(node, p) ? [...positionsOf(node.left, p), ...positionsOf(node.right, p)] : [];
  if (node.type === 'and') return node.children.every((c) => evaluate(c, p)) ? node.children.flatMap((c) => positionsOf(c, p)) : [];
  return node.children.flatMap((c) => positionsOf(c, p));
}

/** Compiles one query. @example compileQuery(parseQuery('acme').query)({ text: 'ACME!', authorHandle: null, lang: null }) // true */
export function compileQuery(node: QueryNode): (post: MatchablePost) => boolean {
  return (post) => evaluate(node, prepare(post));
}

/**
 * Words of which a post must contain at least one for the query to possibly match, or null when
 * no such set exists (a query that is only NOT, from:, lang:...).
 */
function requiredAny(node: QueryNode): Set<string> | null {
  switch (node.type) {
    case 'term':
      if (node.kind === 'word' && !node.prefix) return new Set([node.value]);
      if (node.kind === 'phrase') return new Set([node.words[0]!]);
      if (node.kind === 'hashtag' || node.kind === 'mention') return new Set([node.value]);
      return null;
    case 'or': {
      const all = new Set<string>();
      for (const c of node.children) {
        const r = requiredAny(c);
        if (!r) return null;
        for (const w of r) all.add(w);
      }
      return all;
    }
    case 'and': {
      let best: Set<string> | null = null;
      for (const c of node.children) {
        const r = requiredAny(c);
        if (r && (!best || r.size < best.size)) best = r;
      }
      return best;
    }
    case 'near': {
      const l = requiredAny(node.left);
      const r = requiredAny(node.right);
      return l && r ? (l.size <= r.size ? l : r) : (l ?? r);
    }
    case 'not':
      return null;
  }
}

/** A compiled set of subject queries: post in, ids of the matching subjects out. */
export interface SubjectMatcher {
  (post: MatchablePost): number[];
  /** Whether some query reads the author (from:); if none does, posts of equal text and language match alike. */
  readsAuthor: boolean;
}

function readsAuthor(node: QueryNode): boolean {
  if (node.type === 'term') return node.kind === 'from';
  if (node.type === 'not') return readsAuthor(node.child);
  if (node.type === 'near') return readsAuthor(node.left) || readsAuthor(node.right);
  return node.children.some(readsAuthor);
}

/**
 * Compiles many subjects' queries into one matcher returning the ids whose query matches.
 * @example compileSubjects([{ id: 1, query }])(post) // [1]
 */
export function compileSubjects(subjects: Array<{ id: number; query: QueryNode }>): SubjectMatcher {
  const index = new Map<string, Array<{ id: number; query: QueryNode }>>();
  const always: Array<{ id: number; query: QueryNode }> = [];
  for (const s of subjects) {
    const req = requiredAny(s.query);
    if (!req) always.push(s);
    else for (const w of req) index.set(w, [...(index.get(w) ?? []), s]);
  }
  const match = (post: MatchablePost): number[] => {
    const p = prepare(post);
    let candidates: Set<{ id: number; query: QueryNode }> | null = always.length ? new Set(always) : null;
    for (const w of p.words) {
      const reached = index.get(w);
      if (reached) for (const s of reached) (candidates ??= new Set()).add(s);
    }
    if (!candidates) return [];
    const out: number[] = [];
    for (const s of candidates) if (evaluate(s.query, p)) out.push(s.id);
    return out.sort((a, b) => a - b);
  };
  return Object.assign(match, { readsAuthor: subjects.some((s) => readsAuthor(s.query)) });
}

/**
 * Character ranges of the original text that the query's positive terms matched, merged and sorted,
 * for highlighting by splitting text (never by injecting markup).
 * @example matchedSpans(parseQuery('acme').query, 'I like Acme') // [[7, 11]]
 */
export function matchedSpans(node: QueryNode, text: string): Array<[number, number]> {
  const p = prepare({ text, authorHandle: null, lang: null });
  const spans: Array<[number, number]> = [];
  const visit = (n: QueryNode) => {
    if (n.type === 'not') return;
    if (n.type === 'term') {
      if (n.kind === 'from' || n.kind === 'lang') return;
      if (n.kind === 'hashtag' || n.kind === 'mention') {
        const mark = n.kind === 'hashtag' ? '#' : '@';
        p.words.forEach((w, i) => {
          if (w === n.value && text[p.starts[i]! - 1] === mark) spans.push([p.starts[i]! - 1, p.ends[i]!]);
        });
        return;
      }
      const len = n.kind === 'phrase' ? n.words.length : 1;
      for (const i of occurrences(n, p)) spans.push([p.starts[i]!, p.ends[i + len - 1]!]);
      return;
    }
    if (n.type === 'near') {
      visit(n.left);
      visit(n.right);
      return;
    }
    n.children.forEach(visit);
  };
  visit(node);
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

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

interface Token {
  word: string;
  start: number;
  end: number;
}

interface Prepared {
  tokens: Token[];
  /** word -> positions */
  positions: Map<string, number[]>;
  hashtags: Set<string>;
  mentions: Set<string>;
  author: string | null;
  lang: string | null;
}

const WORD = /[\p{L}\p{N}_]+(?:['’]\p{L}+)?/gu;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const lower = text.toLowerCase();
  // Long texts are cut: a post is never this long, and hostile input must stay cheap.
  const limited = lower.length > 20_000 ? lower.slice(0, 20_000) : lower;
  for (const m of limited.matchAll(WORD)) {
    let w = m[0];
    if (w.endsWith("'s") || w.endsWith('’s')) w = w.slice(0, -2);
    w = w.replace(/['’]/g, '');
    out.push({ word: w, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function prepare(post: MatchablePost): Prepared {
  const tokens = tokenize(post.text);
  const positions = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    const list = positions.get(t.word);
    if (list) list.push(i);
    else positions.set(t.word, [i]);
  });
  const hashtags = new Set<string>();
  const mentions = new Set<string>();
  for (const t of tokens) {
    const before = post.text[t.start - 1];
    if (before === '#' || before === '＃') hashtags.add(t.word);
    else if (before === '@') mentions.add(t.word);
  }
  return { tokens, positions, hashtags, mentions, author: post.authorHandle?.toLowerCase().replace(/^@/, '') ?? null, lang: post.lang?.toLowerCase() ?? null };
}

/** Token positions where a term occurs (phrases: where the phrase starts). */
function occurrences(node: Extract<QueryNode, { type: 'term' }>, p: Prepared): number[] {
  if (node.kind === 'phrase') {
    const first = p.positions.get(node.words[0]!) ?? [];
    return first.filter((i) => node.words.every((w, k) => p.tokens[i + k]?.word === w));
  }
  if (node.prefix) {
    const out: number[] = [];
    for (const [w, pos] of p.positions) if (w.startsWith(node.value)) out.push(...pos);
    return out;
  }
  return p.positions.get(node.value) ?? [];
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
          return occurrences(node, p).length > 0;
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

/**
 * Compiles many subjects' queries into one matcher returning the ids whose query matches.
 * @example compileSubjects([{ id: 1, query }])(post) // [1]
 */
export function compileSubjects(subjects: Array<{ id: number; query: QueryNode }>): (post: MatchablePost) => number[] {
  const index = new Map<string, Array<{ id: number; query: QueryNode }>>();
  const always: Array<{ id: number; query: QueryNode }> = [];
  for (const s of subjects) {
    const req = requiredAny(s.query);
    if (!req) always.push(s);
    else for (const w of req) index.set(w, [...(index.get(w) ?? []), s]);
  }
  return (post) => {
    const p = prepare(post);
    const candidates = new Set(always);
    for (const w of p.positions.keys()) for (const s of index.get(w) ?? []) candidates.add(s);
    const out: number[] = [];
    for (const s of candidates) if (evaluate(s.query, p)) out.push(s.id);
    return out.sort((a, b) => a - b);
  };
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
        for (const t of p.tokens) if (t.word === n.value && text[t.start - 1] === mark) spans.push([t.start - 1, t.end]);
        return;
      }
      const len = n.kind === 'phrase' ? n.words.length : 1;
      for (const i of occurrences(n, p)) spans.push([p.tokens[i]!.start, p.tokens[i + len - 1]!.end]);
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

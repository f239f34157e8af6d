/**
 * The subject query language: quoted phrases, AND / OR / NOT (and `-term`), implicit AND between
 * adjacent terms, parentheses, `a NEAR/3 b`, `#tag`, `@handle`, `from:handle`, `lang:xx`, `word*`.
 * Case-insensitive. Parsed once; the tree matches posts locally (query-matcher.ts) and compiles to
 * X's search syntax (query-x.ts). Errors carry the position; hostile input cannot hang or overflow.
 */
import type { ParseResult, QueryNode, TermKind } from './query-types';

export type { ParseResult, QueryNode } from './query-types';

const MAX_LENGTH = 10_000;
const MAX_DEPTH = 64;
const MAX_TERMS = 2_000;

type Token =
  | { t: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus'; pos: number }
  | { t: 'near'; pos: number; distance: number }
  | { t: 'term'; pos: number; kind: TermKind; value: string; prefix: boolean };

class QueryError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Lower-case words of a text as the matcher sees them. @example words("Acme's NEW-case!") // ['acme', 'new', 'case'] */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+(?:['’][\p{L}]+)?/gu) ?? []).map((w) => w.replace(/['’]s$/, '').replace(/['’]/g, ''));
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(') out.push({ t: 'lparen', pos: i++ });
    else if (c === ')') out.push({ t: 'rparen', pos: i++ });
    else if (c === '"' || c === '“' || c === '”') {
      const start = i;
      const end = src.slice(i + 1).search(/["“”]/);
      if (end < 0) throw new QueryError(`Unclosed quote started at ${start}`, start);
      const inner = src.slice(i + 1, i + 1 + end);
      if (words(inner).length === 0) throw new QueryError(`Empty phrase at ${start}`, start);
      out.push({ t: 'term', pos: start, kind: 'phrase', value: inner.trim(), prefix: false });
      i += end + 2;
    } else if (c === '-' && i + 1 < src.length && !/\s/.test(src[i + 1]!)) {
      out.push({ t: 'minus', pos: i++ });
    } else {
      const start = i;
      while (i < src.length && !/[\s()"“”]/.test(src[i]!)) i++;
      const raw = src.slice(start, i);
      const upper = raw.toUpperCase();
      if (upper === 'AND' || raw === '&&') out.push({ t: 'and', pos: start });
      else if (upper === 'OR' || raw === '||') out.push({ t: 'or', pos: start });
      else if (upper === 'NOT') out.push({ t: 'not', pos: start });
      else if (/^NEAR\/\d{1,3}$/i.test(raw)) out.push({ t: 'near', pos: start, distance: Number(raw.slice(5)) });
      else if (/^NEAR$/i.test(raw)) throw new QueryError(`NEAR needs a distance, like NEAR/3, at ${start}`, start);
      else out.push(termToken(raw, start));
    }
    if (out.length > MAX_TERMS) throw new QueryError(`The query has more than ${MAX_TERMS} parts`, i);
  }
  return out;
}

function termToken(raw: string, pos: number): Token {
  const lower = raw.toLowerCase();
  const field = /^(from|lang):(.*)$/.exec(lower);
  if (field) {
    const value = field[2]!.replace(/^@/, '');
    if (!value) throw new QueryError(`Expected a value after ${field[1]}: at ${pos}`, pos);
    return { t: 'term', pos, kind: field[1] as 'from' | 'lang', value, prefix: false };
  }
  if (lower.startsWith('#') || lower.startsWith('@')) {
    const value = lower.slice(1).replace(/[^\p{L}\p{N}_]/gu, '');
    if (!value) throw new QueryError(`Expected a name after ${lower[0]} at ${pos}`, pos);
    return { t: 'term', pos, kind: lower.startsWith('#') ? 'hashtag' : 'mention', value, prefix: false };
  }
  const prefix = lower.endsWith('*');
  const w = words(prefix ? lower.slice(0, -1) : lower);
  if (w.length === 0) throw new QueryError(`"${raw}" has no letters or digits to search for (at ${pos})`, pos);
  // Punctuation inside a bare term ("e-mail", "acme.com") makes it a phrase of its words.
  if (w.length > 1) return { t: 'term', pos, kind: 'phrase', value: w.join(' '), prefix: false };
  return { t: 'term', pos, kind: 'word', value: w[0]!, prefix };
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  parse(): QueryNode {
    if (this.tokens.length === 0) throw new QueryError('The query is empty', 0);
    const node = this.or(0);
    const rest = this.tokens[this.i];
    if (rest) throw new QueryError(rest.t === 'rparen' ? `Unmatched ) at ${rest.pos}` : `Unexpected ${describe(rest)} at ${rest.pos}`, rest.pos);
    return node;
  }

  private or(depth: number): QueryNode {
    const children = [this.and(depth)];
    while (this.peek()?.t === 'or') {
      const op = this.next()!;
      if (!this.startsOperand()) throw new QueryError(`Expected a term after OR at ${op.pos}`, op.pos);
      children.push(this.and(depth));
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private and(depth: number): QueryNode {
    const children = [this.unary(depth)];
    for (;;) {
      const p = this.peek();
      if (p?.t === 'and') {
        const op = this.next()!;
        if (!this.startsOperand()) throw new QueryError(`Expected a term after AND at ${op.pos}`, op.pos);
        children.push(this.unary(depth));
      } else if (this.startsOperand()) children.push(this.unary(depth));
      else break;
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private unary(depth: number): QueryNode {
    const p = this.peek();
    if (p?.t === 'not' || p?.t === 'minus') {
      this.next();
      if (!this.startsOperand()) throw new QueryError(`Expected a term after ${p.t === 'not' ? 'NOT' : '-'} at ${p.pos}`, p.pos);
      return { type: 'not', child: this.unary(depth + 1) };
    }
    return this.near(depth);
  }

  private near(depth: number): QueryNode {
    let left = this.atom(depth);
    while (this.peek()?.t === 'near') {
      const op = this.next() as Extract<Token, { t: 'near' }>;
      if (!this.startsOperand()) throw new QueryError(`Expected a term after NEAR/${op.distance} at ${op.pos}`, op.pos);
      left = { type: 'near', left, right: this.atom(depth), distance: op.distance };
    }
    return left;
  }

  private atom(depth: number): QueryNode {
    if (depth > MAX_DEPTH) throw new QueryError(`Parentheses nest deeper than ${MAX_DEPTH} levels`, this.peek()?.pos ?? this.length);
    const tok = this.next();
    if (!tok) throw new QueryError(`The query ends where a term was expected (at ${this.length})`, this.length);
    if (tok.t === 'lparen') {
      if (this.peek()?.t === 'rparen') throw new QueryError(`Empty parentheses at ${tok.pos}`, tok.pos);
      const inner = this.or(depth + 1);
      const close = this.next();
      if (close?.t !== 'rparen') throw new QueryError(`Unclosed ( opened at ${tok.pos}`, tok.pos);
      return inner;
    }
    if (tok.t === 'term') return { type: 'term', kind: tok.kind, value: tok.value, words: tok.kind === 'phrase' ? words(tok.value) : [tok.value], prefix: tok.prefix };
    throw new QueryError(`Expected a term but found ${describe(tok)} at ${tok.pos}`, tok.pos);
  }

  private startsOperand(): boolean {
    const t = this.peek()?.t;
    return t === 'term' || t === 'lparen' || t === 'not' || t === 'minus';
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token | undefined {
    return this.tokens[this.i++];
  }
}

function describe(t: Token): string {
  return t.t === 'term' ? `"${t.value}"` : t.t === 'near' ? `NEAR/${t.distance}` : t.t === 'lparen' ? '(' : t.t === 'rparen' ? ')' : t.t === 'minus' ? '-' : t.t.toUpperCase();
}

/**
 * Parses a query. @example parseQuery('"Kestrel Plastics" OR (kestrel AND housing)').ok // true
 */
export function parseQuery(source: string): ParseResult {
  try {
    if (source.length > MAX_LENGTH) throw new QueryError(`The query is longer than ${MAX_LENGTH} characters`, MAX_LENGTH);
    if (source.includes('\u0000')) throw new QueryError(`The query contains a NUL character at ${source.indexOf('\u0000')}`, source.indexOf('\u0000'));
    return { ok: true, query: new Parser(tokenize(source), source.length).parse() };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: { message: e.message, position: e.position } };
    throw e;
  }
}

/** Prints a tree back as a query. @example formatQuery(parseQuery('a b').query) // 'a AND b' */
export function formatQuery(node: QueryNode): string {
  switch (node.type) {
    case 'term':
      return node.kind === 'phrase' ? `"${node.value}"` : node.kind === 'hashtag' ? `#${node.value}` : node.kind === 'mention' ? `@${node.value}` : node.kind === 'word' ? `${node.value}${node.prefix ? '*' : ''}` : `${node.kind}:${node.value}`;
    case 'and':
      return node.children.map((c) => (c.type === 'or' ? `(${formatQuery(c)})` : formatQuery(c))).join(' AND ');
    case 'or':
      return node.children.map(formatQuery).join(' OR ');
    case 'not':
      return `NOT ${node.child.type === 'term' ? formatQuery(node.child) : `(${formatQuery(node.child)})`}`;
    case 'near':
      return `${wrap(node.left)} NEAR/${node.distance} ${wrap(node.right)}`;
  }
}

const wrap = (n: QueryNode) => (n.type === 'term' ? formatQuery(n) : `(${formatQuery(n)})`);

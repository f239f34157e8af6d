/** The parsed form of a subject's query (server/analysis/query-parser.ts). */
export type TermKind = 'word' | 'phrase' | 'hashtag' | 'mention' | 'from' | 'lang';

export type QueryNode =
  | { type: 'term'; kind: TermKind; value: string; /** For phrases: the words, lower-case. */ words: string[]; /** `acme*`: any word starting with it. */ prefix: boolean }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode }
  | { type: 'near'; left: QueryNode; right: QueryNode; distance: number };

export type ParseResult = { ok: true; query: QueryNode } | { ok: false; error: { message: string; position: number } };

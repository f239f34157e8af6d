/**
 * Compiles a query tree to X API v2 search / filtered-stream rule syntax. X has no NEAR, so NEAR
 * becomes the AND of its sides (a superset: the local matcher re-checks every post). A query too
 * long for X is split at its top-level ORs into several queries whose union is the same.
 */
import type { QueryNode } from './query-types';

export const X_SEARCH_MAX = 512;
export const X_RULE_MAX = 1024;

function print(node: QueryNode): string {
  switch (node.type) {
    case 'term':
      switch (node.kind) {
        case 'phrase':
          return `"${node.value.replace(/"/g, '')}"`;
        case 'hashtag':
          return `#${node.value}`;
        case 'mention':
          return `@${node.value}`;
        case 'from':
          return `from:${node.value}`;
        case 'lang':
          return `lang:${node.value}`;
        default:
          // X has no wildcard: a prefix term searches for the stem itself.
          return node.value;
      }
    case 'and':
      return node.children.map((c) => (c.type === 'or' ? `(${print(c)})` : print(c))).join(' ');
    case 'or':
      return node.children.map(print).join(' OR ');
    case 'not':
      return node.child.type === 'term' ? `-${print(node.child)}` : `-(${print(node.child)})`;
    case 'near':
      return `${wrap(node.left)} ${wrap(node.right)}`;
  }
}

const wrap = (n: QueryNode) => (n.type === 'or' ? `(${print(n)})` : print(n));

/**
 * X queries for a tree, each at most `maxLength` characters.
 * @example toXQueries(parseQuery('a OR b').query, { maxLength: 512 }) // { ok: true, queries: ['a OR b'] }
 */
export function toXQueries(node: QueryNode, options: { maxLength: number }): { ok: true; queries: string[] } | { ok: false; error: string } {
  const whole = print(node);
  if (whole.length <= options.maxLength) return { ok: true, queries: [whole] };
  if (node.type !== 'or') return { ok: false, error: `The query is ${whole.length} characters in X syntax; X allows ${options.maxLength} and it has no top-level OR to split at.` };
  const queries: string[] = [];
  let current = '';
  for (const child of node.children) {
    const part = print(child);
    if (part.length > options.maxLength) return { ok: false, error: `One alternative is ${part.length} characters in X syntax; X allows ${options.maxLength}: ${part.slice(0, 60)}…` };
    const joined = current ? `${current} OR ${part}` : part;
    if (joined.length > options.maxLength) {
      queries.push(current);
      current = part;
    } else current = joined;
  }
  if (current) queries.push(current);
  return { ok: true, queries };
}

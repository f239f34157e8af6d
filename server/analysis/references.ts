/**
 * References quoted in posts: order, invoice, purchase order, ticket, part, lot/batch, flight,
 * SKU, tracking and RMA numbers. Patterns are anchored on their keyword ("order #48213",
 * "INV-2026-0193", "batch 42", "flight UA123") so ordinary numbers are not taken for references.
 * Deployments add their own patterns; each is checked before it is used.
 */
export interface FoundReference {
  type: string;
  value: string;
  start: number;
  end: number;
}

export interface CompiledPattern {
  type: string;
  regex: RegExp;
}

const ID = String.raw`(?:#|no\.?|nr\.?|number|num\.?|:)?\s*`;

/** Built-in patterns: the captured group is the value. */
export const defaultPatterns: CompiledPattern[] = [
  { type: 'invoice', regex: /\b(INV[-_]?\d{2,4}[-_]?\d{2,8})\b/gi },
  { type: 'invoice', regex: new RegExp(String.raw`\binvoice\s*${ID}([A-Z]{0,4}-?\d[\d-]{2,15})\b`, 'gi') },
  { type: 'purchase_order', regex: new RegExp(String.raw`\b(?:PO|purchase\s+order)\s*${ID}(\d{4,12})\b`, 'gi') },
  { type: 'order', regex: new RegExp(String.raw`\border\s*${ID}([A-Z]{0,3}-?\d{3,12})\b`, 'gi') },
  { type: 'ticket', regex: new RegExp(String.raw`\b(?:ticket|case)\s*${ID}([A-Z]{0,4}-?\d{3,10})\b`, 'gi') },
  { type: 'rma', regex: new RegExp(String.raw`\bRMA\s*${ID}([A-Z0-9-]{3,15})\b`, 'gi') },
  { type: 'tracking', regex: new RegExp(String.raw`\btracking\s*(?:number|no\.?|#|code|id)?\s*:?\s*([A-Z0-9]{8,30})\b`, 'gi') },
  { type: 'part', regex: new RegExp(String.raw`\b(?:part|p\/n|pn)\s*${ID}([A-Z0-9]{1,6}-[A-Z0-9-]{1,12}|\d{4,12})\b`, 'gi') },
  { type: 'sku', regex: new RegExp(String.raw`\bSKU\s*${ID}([A-Z0-9-]{3,20})\b`, 'gi') },
  { type: 'lot', regex: new RegExp(String.raw`\b(?:lot|batch)\s*${ID}([A-Z]{0,3}-?\d{1,10}[A-Z]?)\b`, 'gi') },
  { type: 'flight', regex: /\bflight\s*#?\s*([A-Z]{2}|[A-Z]\d|\d[A-Z])\s?(\d{1,4})\b/gi },
];

const MAX_TEXT = 20_000;

/**
 * References in a text, in order, each once.
 * @example extractReferences('where is order #48213?') // [{ type: 'order', value: '48213', start: 9, end: 21 }]
 */
export function extractReferences(text: string, patterns: CompiledPattern[] = defaultPatterns): FoundReference[] {
  const t = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const found: FoundReference[] = [];
  const seen = new Set<string>();
  for (const p of patterns) {
    // exec in a loop, not matchAll: no iterator and no copy of the regex per pattern and post.
    const regex = p.regex;
    if (!regex.global) throw new TypeError(`reference pattern ${p.type} must be global (flag g)`);
    regex.lastIndex = 0;
    for (let m = regex.exec(t); m !== null; m = regex.exec(t)) {
      if (m[0] === '') regex.lastIndex++;
      const raw = m.length > 2 && m[2] !== undefined ? `${m[1]}${m[2]}` : (m[1] ?? m[0]);
      const value = raw.toUpperCase().replace(/_/g, '-');
      const key = `${p.type}:${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ type: p.type, value, start: m.index, end: m.index + m[0].length });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

export interface PatternDefinition {
  name: string;
  regex: string;
  test: string;
}

/**
 * Checks deployment-defined patterns: each must compile, capture a value, match its own test
 * string and avoid nested quantifiers (the usual cause of catastrophic backtracking).
 */
export function compilePatterns(defs: PatternDefinition[]): { ok: true; patterns: CompiledPattern[] } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const patterns: CompiledPattern[] = [];
  for (const d of defs) {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(d.name)) {
      errors[d.name] = 'the name must be lower-case letters, digits and _ (at most 40)';
      continue;
    }
    if (d.regex.length > 300) {
      errors[d.name] = 'the pattern is longer than 300 characters';
      continue;
    }
    if (/\((?:[^()\\]|\\.)*[+*}]\)\s*[+*{]/.test(d.regex)) {
      errors[d.name] = 'nested quantifiers like (a+)+ can take forever on hostile text; rewrite without them';
      continue;
    }
    let regex: RegExp;
    try {
      regex = new RegExp(d.regex, 'gi');
    } catch (e) {
      errors[d.name] = `not a valid pattern: ${(e as Error).message}`;
      continue;
    }
    if (!/\((?!\?)/.test(d.regex)) {
      errors[d.name] = 'the pattern needs a capturing group ( ) around the value';
      continue;
    }
    regex.lastIndex = 0;
    if (!regex.test(d.test)) {
      errors[d.name] = `the pattern does not match its own test string "${d.test}"`;
      continue;
    }
    patterns.push({ type: d.name, regex });
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, patterns };
}

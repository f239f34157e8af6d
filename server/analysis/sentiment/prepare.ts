/**
 * Text as the engine reads it, the same for training and scoring: capped in length, lone
 * surrogates replaced, the HTML entities feeds leave in text decoded, then tokenized and scored
 * by the rules.
 */
import { tokenize, type Token } from '../tokenize';
import { scoreRules, type RulesResult } from './rules';

/** Longer posts are cut: sentiment of a 100 KB paste is decided in its first few thousand characters. */
export const MAX_TEXT = 4_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SURROGATE = /[\uD800-\uDFFF]/;
const ENTITY = /&(?:#(\d{1,6})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp|#39));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };
const LETTER = /\p{L}/u;

function entity(_: string, dec: string | undefined, hex: string | undefined, name: string | undefined): string {
  if (name) return NAMED[name] ?? ' ';
  const code = dec ? Number(dec) : parseInt(hex ?? '', 16);
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ' ';
}

/** @example cleanText('fast &amp; cheap') // 'fast & cheap' */
export function cleanText(input: unknown): string {
  if (typeof input !== 'string') return '';
  let t = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  if (t.includes('&')) t = t.replace(ENTITY, entity);
  // Only text with surrogates can have a lone one: test cheaply before the look-around regex.
  if (SURROGATE.test(t)) t = t.replace(LONE_SURROGATE, '\uFFFD');
  return t;
}

export interface Prepared {
  text: string;
  tokens: Token[];
  rules: RulesResult;
}

/** Whether every letter of the post is a capital (then caps emphasise nothing). */
function shouting(tokens: Token[]): boolean {
  let words = 0;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    if (!t.caps && t.norm.length > 1 && LETTER.test(t.norm)) return false;
    words++;
  }
  return words > 1;
}

export function prepare(text: string): Prepared {
  const tokens = tokenize(text);
  return { text, tokens, rules: scoreRules(tokens, shouting(tokens)) };
}

/**
 * A tokenizer for social posts: URLs, @handles, #tags (camelCase split), cashtags, emoji and
 * emoticons, elongations ("sooo"), ALL-CAPS emphasis, contractions and negations, and reference
 * numbers ("#48213", "INV-2026-0193", "PN 88-1234") kept as single tokens.
 *
 * The text is read once: by hand where it is ASCII (token-scan.ts, which gives exactly the regular
 * expression's tokens), by the regular expression below elsewhere. A token is one small object;
 * what a word's spelling says (its norm, caps, elongation, negation) is worked out once per
 * distinct spelling and cached.
 */
import { CASHTAG, code, EMOJI, HASHTAG, MENTION, NONE, REF, scanAt, scanned, UNSURE, URL, WORD } from './token-scan';

export type TokenKind = 'word' | 'url' | 'mention' | 'hashtag' | 'cashtag' | 'emoji' | 'emoticon' | 'number' | 'ref' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Lower-case, elongations squeezed ("soooo" -> "soo"), curly apostrophes straightened; refs upper-case. */
  norm: string;
  /** Written in capitals (at least two letters). */
  caps: boolean;
  /** Had a letter repeated three or more times. */
  elongated: boolean;
  /** A negator: "not", "never", "don't", "cant", "isnt"... */
  negation: boolean;
  /** Offset of the token in the text (UTF-16 code units). */
  start: number;
}

// Groups: 1 url, 2 mention, 3 ref, 4 hashtag, 5 cashtag, 6 emoticon, 7 emoji, 8 word, 9 number, 10 punct.
const PATTERN = new RegExp(
  [
    String.raw`(https?:\/\/\S+|www\.[^\s.]+\.\S+)`,
    String.raw`(@\w{1,30})`,
    // References: "#48213", "INV-2026-0193", "PO-4471", "PN 88-1234", "SKU 12345", "10/12".
    String.raw`(#\d{3,}(?![\p{L}_])|(?<![\p{L}\p{N}])(?:[A-Za-z]{2,5}-\d{2,}(?:[-/]\d+)*|(?:PN|P\/N|PO|SKU|INV|RMA|REF|LOT|SO|ORD)[ #:]?\d{2,}(?:[-/]\d+)*)(?![\p{L}])|\d+(?:[-/]\d+)+)`,
    String.raw`(#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)`,
    String.raw`(\$[A-Za-z]{1,6}(?![\p{L}]))`,
    // Emoticons only between spaces or text edges: "8)" inside "(see 8)" is not a smile.
    String.raw`((?<![\p{L}\p{N}])(?:>?[:;=][-'^o]?[()[\]DPpO3/\\|*@]+|[xX]-?D|<\/?3+|[)(\]][-']?[:;=]|D:|\^_*\^|-_+-|T_T|;_;)(?![\p{L}\p{N}]))`,
    String.raw`((?:\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]{2})(?:[\u{1F3FB}-\u{1F3FF}]|\uFE0F|\u20E3|\u200D\p{Extended_Pictographic}\uFE0F?)*)`,
    String.raw`([\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’](?=[\p{L}]))*)`,
    String.raw`(\d+(?:[.,]\d+)*%?)`,
    String.raw`([!?]+|\.{2,}|…|[.,;:])`,
  ].join('|'),
  'gu',
);

const CAMEL = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^\p{ASCII}]+/gu;
const NOT_LOWER = /[A-Z\u00c0-\uffff’]/;
const SQUEEZE = /(\p{L})\1{2,}/gu;
// Skin tones and the emoji presentation selector: 👍🏽 reads as 👍.
const EMOJI_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}]|\uFE0F/gu;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** Negators, including the apostrophe-less spellings of social text. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'nowhere', 'without', 'cannot', 'cant', 'dont', 'doesnt',
  'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'hasnt', 'havent', 'hadnt', 'aint',
  'mustnt', 'neednt', 'darent', 'nope', 'nah', 'hardly', 'rarely', 'seldom', 'barely', 'nor', 'lacks', 'lacking', 'lack',
]);

/** Whether a normalized word negates what follows ("don't", "cant", "never"). */
export function isNegator(norm: string): boolean {
  return NEGATORS.has(norm) || (norm.length > 3 && norm.charCodeAt(norm.length - 2) === 39 && norm.endsWith("n't"));
}

/** The pattern from one position, for where the text is not ASCII (token-scan.ts reads the rest). */
const STICKY = new RegExp(PATTERN.source, 'uy');
// Called directly rather than looked up on the text, for the reason given in token-scan.ts.
const slice = String.prototype.slice;

/** @example tokenize('SOOO late!! @acme #NeverAgain').map(t => t.norm) // ['soo', 'late', '!!', '@acme', 'never', 'again'] */
export function tokenize(text: string): Token[] {
  return read(text, true);
}

/** The same tokens by the regular expression alone: the reference the hand-written scan is tested against. */
export function tokenizeByPattern(text: string): Token[] {
  return read(text, false);
}

function read(text: string, byHand: boolean): Token[] {
  const out: Token[] = [];
  const len = text.length;
  let i = 0;
  while (i < len) {
    const c = code(text, i);
    if (c === 32) {
      i++;
      continue;
    }
    let end = c < 128 && byHand ? scanAt(text, i, c) : UNSURE;
    let group = scanned.group;
    if (end === UNSURE) {
      STICKY.lastIndex = i;
      const m = STICKY.exec(text);
      if (m === null) end = NONE;
      else {
        end = STICKY.lastIndex;
        for (group = 1; m[group] === undefined; group++);
      }
    }
    if (end === NONE) {
      // On to the next character; a surrogate pair is one (the pattern reads code points).
      i += c >= 0xd800 && c <= 0xdbff && (code(text, i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      continue;
    }
    if (group === WORD) out.push(token(shapeOf(spellingAt(text, i, end)), 'word', i));
    else if (group === HASHTAG) for (const part of partsOf(spellingAt(text, i, end))) out.push(token(part, 'hashtag', i));
    else if (group === MENTION) out.push(plain('mention', lowerOf(spellingAt(text, i, end)), i));
    else out.push(plain(KINDS[group]!, plainNorm(group, slice.call(text, i, end)), i));
    i = end;
  }
  return out;
}

/** Token kinds by group of the pattern. */
const KINDS: TokenKind[] = ['punct', 'url', 'mention', 'ref', 'hashtag', 'cashtag', 'emoticon', 'emoji', 'word', 'number', 'punct'];

function plainNorm(group: number, raw: string): string {
  switch (group) {
    case URL:
      return 'URL';
    case CASHTAG:
      return raw.toLowerCase();
    case REF:
      return raw.toUpperCase().replace(/\s+/g, ' ');
    case EMOJI:
      return raw.length > 2 ? raw.replace(EMOJI_MODIFIERS, '') : raw.replace('\ufe0f', '');
    default:
      return raw;
  }
}

function plain(kind: TokenKind, norm: string, start: number): Token {
  return { kind, norm, caps: false, elongated: false, negation: false, start };
}

function token(s: Shape, kind: TokenKind, start: number): Token {
  return { kind, norm: s.norm, caps: s.caps, elongated: s.elongated, negation: s.negation, start };
}

/** What a word's spelling says, the same wherever it is written. */
interface Shape {
  norm: string;
  caps: boolean;
  elongated: boolean;
  negation: boolean;
}

/** A distinct spelling of a word, hashtag or handle, and what was worked out of it. */
interface Spelling {
  raw: string;
  shape: Shape | null;
  /** A hashtag's words. */
  parts: Shape[] | null;
  /** A handle in lower case. */
  lower: string | null;
}

/**
 * Spellings seen: words, tags and handles recur from post to post, so what is worked out of one is
 * worked out once. The size cap keeps memory bounded on a hostile stream of distinct words (the
 * cache starts over).
 */
const MAX_SPELLINGS = 50_000;
const SPELLINGS = new Map<string, Spelling>();

function spellingAt(text: string, start: number, end: number): Spelling {
  const raw: string = slice.call(text, start, end);
  let s = SPELLINGS.get(raw);
  if (s === undefined) {
    if (SPELLINGS.size >= MAX_SPELLINGS) SPELLINGS.clear();
    s = { raw, shape: null, parts: null, lower: null };
    SPELLINGS.set(raw, s);
  }
  return s;
}

const shapeOf = (s: Spelling): Shape => (s.shape ??= shape(s.raw));
const lowerOf = (s: Spelling): string => (s.lower ??= s.raw.toLowerCase());

/** #NeverAgain also carries the words "never again". */
function partsOf(s: Spelling): Shape[] {
  if (s.parts === null) {
    const body = s.raw.slice(1);
    s.parts = (body.match(CAMEL) ?? [body]).map((part) => shapeOf(spellingAt(part, 0, part.length)));
  }
  return s.parts;
}

/** A letter written three times in a row ("sooo"); a loop, cheaper than a regex per word. */
function hasTriple(s: string): boolean {
  for (let i = 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === s.charCodeAt(i - 1) && c === s.charCodeAt(i - 2) && c > 64) return true;
  }
  return false;
}

function shape(raw: string): Shape {
  let norm = raw;
  let caps = false;
  if (NOT_LOWER.test(raw)) {
    norm = raw.toLowerCase();
    if (norm.includes('’')) norm = norm.replace(/’/g, "'");
    caps = raw.length > 1 && UPPER.test(raw) && !LOWER.test(raw);
  }
  let elongated = false;
  if (norm.length > 2 && hasTriple(norm)) {
    norm = norm.replace(SQUEEZE, '$1$1');
    elongated = true;
  }
  return { norm, caps, elongated, negation: isNegator(norm) };
}

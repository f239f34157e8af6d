/**
 * A tokenizer for social posts: URLs, @handles, #tags (camelCase split), cashtags, emoji and
 * emoticons, elongations ("sooo"), ALL-CAPS emphasis, contractions and negations, and reference
 * numbers ("#48213", "INV-2026-0193", "PN 88-1234") kept as single tokens.
 *
 * One regular expression scans the text once; a token is one small object and its `norm` is the
 * only string made for it (lower-casing is skipped when the word is already lower case).
 */
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

/** @example tokenize('SOOO late!! @acme #NeverAgain').map(t => t.norm) // ['soo', 'late', '!!', '@acme', 'never', 'again'] */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  PATTERN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PATTERN.exec(text)) !== null) {
    const raw = m[0];
    const at = m.index;
    if (m[8] !== undefined) out.push(word(raw, 'word', at));
    else if (m[10] !== undefined) out.push(plain('punct', raw, at));
    else if (m[1] !== undefined) out.push(plain('url', 'URL', at));
    else if (m[2] !== undefined) out.push(plain('mention', raw.toLowerCase(), at));
    else if (m[3] !== undefined) out.push(plain('ref', raw.toUpperCase().replace(/\s+/g, ' '), at));
    else if (m[4] !== undefined) {
      // #NeverAgain also carries the words "never again".
      const body = raw.slice(1);
      const parts = body.match(CAMEL) ?? [body];
      for (const part of parts) out.push(word(part, 'hashtag', at));
    } else if (m[5] !== undefined) out.push(plain('cashtag', raw.toLowerCase(), at));
    else if (m[6] !== undefined) out.push(plain('emoticon', raw, at));
    else if (m[7] !== undefined) out.push(plain('emoji', raw.length > 2 ? raw.replace(EMOJI_MODIFIERS, '') : raw.replace('\ufe0f', ''), at));
    else if (m[9] !== undefined) out.push(plain('number', raw, at));
  }
  return out;
}

function plain(kind: TokenKind, norm: string, start: number): Token {
  return { kind, norm, caps: false, elongated: false, negation: false, start };
}

/** A letter written three times in a row ("sooo"); a loop, cheaper than a regex per word. */
function hasTriple(s: string): boolean {
  for (let i = 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === s.charCodeAt(i - 1) && c === s.charCodeAt(i - 2) && c > 64) return true;
  }
  return false;
}

function word(raw: string, kind: TokenKind, start: number): Token {
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
  return { kind, norm, caps, elongated, negation: isNegator(norm), start };
}

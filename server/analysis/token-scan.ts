/**
 * The tokenizer's pattern (PATTERN in tokenize.ts) run by hand where the text is ASCII: at a
 * position, the same alternatives in the same order with the same backtracking, so the tokens are
 * exactly the regular expression's (a differential fuzz of millions of strings found no
 * difference), without a match object per token or ten alternatives tried at every character.
 * Wherever a character outside ASCII could decide the outcome (a look-behind or look-ahead for a
 * letter, a word going on in another script) the scan answers UNSURE and the caller runs the
 * regular expression from there.
 */
export const URL = 1;
export const MENTION = 2;
export const REF = 3;
export const HASHTAG = 4;
export const CASHTAG = 5;
export const EMOTICON = 6;
export const EMOJI = 7;
export const WORD = 8;
export const NUMBER = 9;
export const PUNCT = 10;
/** No alternative matches here: the scan moves one character on. */
export const NONE = 0;
/** A character outside ASCII decides: run the regular expression here. */
export const UNSURE = -1;

const ALPHA = 1;
const DIGIT = 2;
const MOUTH = 4;
const EYE = 8;
const CLASS = new Uint8Array(128);
for (let c = 65; c <= 90; c++) CLASS[c]! |= ALPHA;
for (let c = 97; c <= 122; c++) CLASS[c]! |= ALPHA;
for (let c = 48; c <= 57; c++) CLASS[c]! |= DIGIT;
for (const ch of '()[]DPpO3/\\|*@') CLASS[ch.charCodeAt(0)]! |= MOUTH;
for (const ch of ':;=') CLASS[ch.charCodeAt(0)]! |= EYE;

/**
 * `s.charCodeAt(k)` looks the method up on the string first, and posts arrive as several kinds of
 * V8 string (flat, sliced, concatenated, internalized, one or two bytes a character): past four
 * kinds that look-up goes megamorphic and costs more than the scan. Calling the method itself
 * skips it. Past the end it gives NaN, which is in no class and fails every comparison.
 */
const charCodeAt = String.prototype.charCodeAt;
export const code = (s: string, k: number): number => charCodeAt.call(s, k);
const isAlpha = (c: number) => c < 128 && (CLASS[c]! & ALPHA) !== 0;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => c < 128 && (CLASS[c]! & (ALPHA | DIGIT)) !== 0;
const isEnd = (c: number) => c !== c;
const isEye = (c: number) => c < 128 && (CLASS[c]! & EYE) !== 0;
const isMouth = (c: number) => c < 128 && (CLASS[c]! & MOUTH) !== 0;

/** JavaScript's \s, which \S excludes. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const NO = 0;
const YES = 1;
const UNKNOWN = 2;

/** (?<![\p{L}\p{N}]) at i: YES when a letter or number stands before. */
function behind(s: string, i: number): number {
  if (i === 0) return NO;
  const c = code(s, i - 1);
  return c >= 128 ? UNKNOWN : isAlnum(c) ? YES : NO;
}

/** Whether the character at k is \p{L} (or also \p{N}, or also '_'). */
function ahead(s: string, k: number, numbers: boolean, underscore: boolean): number {
  const c = code(s, k);
  if (isEnd(c)) return NO;
  if (c >= 128) return UNKNOWN;
  return isAlpha(c) || (numbers && isDigit(c)) || (underscore && c === 95) ? YES : NO;
}

/** `https?:\/\/\S+|www\.[^\s.]+\.\S+` */
function url(s: string, i: number): number {
  let k: number;
  if (code(s, i) === 104 && code(s, i + 1) === 116 && code(s, i + 2) === 116 && code(s, i + 3) === 112) {
    k = i + 4;
    if (code(s, k) === 115) k++;
    if (code(s, k) !== 58 || code(s, k + 1) !== 47 || code(s, k + 2) !== 47) return 0;
    k += 3;
  } else if (code(s, i) === 119 && code(s, i + 1) === 119 && code(s, i + 2) === 119 && code(s, i + 3) === 46) {
    k = i + 4;
    const j = k;
    for (let c = code(s, k); !isEnd(c) && !isSpace(c) && c !== 46; c = code(s, ++k));
    if (k === j || code(s, k) !== 46) return 0;
    k++;
  } else return 0;
  const j = k;
  for (let c = code(s, k); !isEnd(c) && !isSpace(c); c = code(s, ++k));
  return k > j ? k : 0;
}

/**
 * `\d{min,}(?:[-/]\d+)*(?![\p{L}])` from j: the end, 0, or UNSURE. When a letter follows, the
 * regular expression gives back one digit of the last run, or the last group if it has one digit.
 */
function refDigits(s: string, j: number, min: number): number {
  let k = j;
  while (isDigit(code(s, k))) k++;
  const digits = k - j;
  if (digits < min) return 0;
  let lastGroup = -1;
  let lastDigits = 0;
  for (;;) {
    const c = code(s, k);
    if ((c === 45 || c === 47) && isDigit(code(s, k + 1))) {
      lastGroup = k;
      k++;
      while (isDigit(code(s, k))) k++;
      lastDigits = k - lastGroup - 1;
    } else break;
  }
  const a = ahead(s, k, false, false);
  if (a === NO) return k;
  if (a === UNKNOWN) return UNSURE;
  if (lastGroup >= 0) return lastDigits >= 2 ? k - 1 : lastGroup;
  return digits > min ? k - 1 : 0;
}

/** Whether `p` (ASCII) is written at i. */
function startsWith(s: string, p: string, i: number): boolean {
  for (let k = 0; k < p.length; k++) if (code(s, i + k) !== p.charCodeAt(k)) return false;
  return true;
}

const PREFIXES = ['PN', 'P/N', 'PO', 'SKU', 'INV', 'RMA', 'REF', 'LOT', 'SO', 'ORD'];

/** `[A-Za-z]{2,5}-\d{2,}(?:[-/]\d+)*|(?:PN|P\/N|...)[ #:]?\d{2,}(?:[-/]\d+)*` then `(?![\p{L}])`, the look-behind passed. */
function ref(s: string, i: number): number {
  let k = i;
  while (k - i < 6 && isAlpha(code(s, k))) k++;
  if (k - i >= 2 && k - i <= 5 && code(s, k) === 45) {
    const r = refDigits(s, k + 1, 2);
    if (r !== 0) return r;
  }
  const c = code(s, i);
  if (c !== 80 && c !== 83 && c !== 73 && c !== 82 && c !== 76 && c !== 79) return 0;
  for (const p of PREFIXES) {
    if (!startsWith(s, p, i)) continue;
    const j = i + p.length;
    const sep = code(s, j);
    if ((sep === 32 || sep === 35 || sep === 58) && isDigit(code(s, j + 1))) {
      const r = refDigits(s, j + 1, 2);
      if (r !== 0) return r;
    }
    return refDigits(s, j, 2);
  }
  return 0;
}

/** The look-ahead that closes an emoticon: the end, 0 when a letter or number follows, or UNSURE. */
function closes(s: string, e: number): number {
  const a = ahead(s, e, true, false);
  return a === NO ? e : a === YES ? 0 : UNSURE;
}

/** The emoticon alternatives in order, the look-behind passed. */
function emoticon(s: string, i: number, c: number): number {
  let r = 0;
  // >?[:;=][-'^o]?[()[\]DPpO3/\\|*@]+
  if (c === 62 || isEye(c)) {
    for (let gt = c === 62 ? 1 : 0; gt >= 0; gt--) {
      const p = i + gt;
      const eye = code(s, p);
      if (!isEye(eye)) continue;
      const n = code(s, p + 1);
      for (let nose = n === 45 || n === 39 || n === 94 || n === 111 ? 1 : 0; nose >= 0; nose--) {
        const q = p + 1 + nose;
        let m = q;
        while (isMouth(code(s, m))) m++;
        for (let e = m; e > q; e--) if ((r = closes(s, e)) !== 0) return r;
      }
    }
    // ;_;
    if (c === 59 && code(s, i + 1) === 95 && code(s, i + 2) === 59) return closes(s, i + 3);
    return 0;
  }
  switch (c) {
    case 120: // [xX]-?D
    case 88:
      if (code(s, i + 1) === 45 && code(s, i + 2) === 68 && (r = closes(s, i + 3)) !== 0) return r;
      return code(s, i + 1) === 68 ? closes(s, i + 2) : 0;
    case 60: {
      // <\/?3+
      let k = i + 1;
      if (code(s, k) === 47 && code(s, k + 1) === 51) k++;
      if (code(s, k) !== 51) return 0;
      while (code(s, k) === 51) k++;
      return closes(s, k);
    }
    case 41: // [)(\]][-']?[:;=]
    case 40:
    case 93: {
      const n = code(s, i + 1);
      if ((n === 45 || n === 39) && isEye(code(s, i + 2))) return closes(s, i + 3);
      return isEye(n) ? closes(s, i + 2) : 0;
    }
    case 68: // D:
      return code(s, i + 1) === 58 ? closes(s, i + 2) : 0;
    case 94: {
      // \^_*\^
      let k = i + 1;
      while (code(s, k) === 95) k++;
      return code(s, k) === 94 ? closes(s, k + 1) : 0;
    }
    case 45: {
      // -_+-
      let k = i + 1;
      if (code(s, k) !== 95) return 0;
      while (code(s, k) === 95) k++;
      return code(s, k) === 45 ? closes(s, k + 1) : 0;
    }
    case 84: // T_T
      return code(s, i + 1) === 95 && code(s, i + 2) === 84 ? closes(s, i + 3) : 0;
    default:
      return 0;
  }
}

/** `[\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’](?=[\p{L}]))*` going on from k. */
function word(s: string, k: number): number {
  for (;;) {
    const c = code(s, k);
    if (isAlnum(c)) k++;
    else if (c === 39 || c === 0x2019) {
      const a = ahead(s, k + 1, false, false);
      if (a === UNKNOWN) return UNSURE;
      if (a === NO) break;
      k += 2;
    } else if (c >= 128) return UNSURE;
    else break;
  }
  return k;
}

/** The group of the last match scanAt found. */
export const scanned = { group: NONE };

const found = (end: number, group: number) => {
  scanned.group = group;
  return end;
};

/** The end of the match at i of the ASCII character c (its group in `scanned`), NONE, or UNSURE. */
export function scanAt(s: string, i: number, c: number): number {
  if (isAlpha(c)) {
    let r: number;
    if ((c === 104 || c === 119) && (r = url(s, i)) !== 0) return found(r, URL);
    let k = i + 1;
    while (isAlpha(code(s, k))) k++;
    // The look-behind only matters if a reference ("INV-2026", "PN 88") or an emoticon ("xD") may start here.
    const maybeRef = (k - i <= 5 && code(s, k) === 45) || c === 80 || c === 83 || c === 73 || c === 82 || c === 76 || c === 79;
    const maybeEmoticon = c === 120 || c === 88 || c === 68 || c === 84;
    if (maybeRef || maybeEmoticon) {
      const b = behind(s, i);
      if (b === UNKNOWN) return UNSURE;
      if (b === NO) {
        if (maybeRef && (r = ref(s, i)) !== 0) return r === UNSURE ? UNSURE : found(r, REF);
        if (maybeEmoticon && (r = emoticon(s, i, c)) !== 0) return r === UNSURE ? UNSURE : found(r, EMOTICON);
      }
    }
    const e = word(s, k);
    return e === UNSURE ? UNSURE : found(e, WORD);
  }
  if (isDigit(c)) return number(s, i);
  switch (c) {
    case 35:
      return hash(s, i);
    case 64: {
      // @\w{1,30}
      let k = i + 1;
      while (k - i <= 30 && (isAlnum(code(s, k)) || code(s, k) === 95)) k++;
      return k > i + 1 ? found(k, MENTION) : NONE;
    }
    case 36: {
      // \$[A-Za-z]{1,6}(?![\p{L}])
      let k = i + 1;
      while (isAlpha(code(s, k))) k++;
      if (k === i + 1 || k - i - 1 > 6) return NONE;
      return code(s, k) >= 128 ? UNSURE : found(k, CASHTAG);
    }
    case 33:
    case 63: {
      let k = i + 1;
      while (code(s, k) === 33 || code(s, k) === 63) k++;
      return found(k, PUNCT);
    }
    case 46: {
      let k = i + 1;
      while (code(s, k) === 46) k++;
      return found(k, PUNCT);
    }
    case 44:
      return found(i + 1, PUNCT);
    case 58:
    case 59:
    case 61:
    case 62:
    case 60:
    case 41:
    case 40:
    case 93:
    case 94:
    case 45: {
      const b = behind(s, i);
      if (b === UNKNOWN) return UNSURE;
      if (b === NO) {
        const r = emoticon(s, i, c);
        if (r !== 0) return r === UNSURE ? UNSURE : found(r, EMOTICON);
      }
      return c === 58 || c === 59 ? found(i + 1, PUNCT) : NONE;
    }
    default:
      return NONE;
  }
}

/** `\d+(?:[-/]\d+)+` (a reference), else `\d+(?:[.,]\d+)*%?`. */
function number(s: string, i: number): number {
  let k = i + 1;
  while (isDigit(code(s, k))) k++;
  let j = k;
  while ((code(s, j) === 45 || code(s, j) === 47) && isDigit(code(s, j + 1))) {
    j += 2;
    while (isDigit(code(s, j))) j++;
  }
  if (j > k) return found(j, REF);
  while ((code(s, k) === 46 || code(s, k) === 44) && isDigit(code(s, k + 1))) {
    k += 2;
    while (isDigit(code(s, k))) k++;
  }
  if (code(s, k) === 37) k++;
  return found(k, NUMBER);
}

/** `#\d{3,}(?![\p{L}_])` (a reference), else `#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*`. */
function hash(s: string, i: number): number {
  let k = i + 1;
  while (isDigit(code(s, k))) k++;
  const digits = k - i - 1;
  if (digits >= 3) {
    const a = ahead(s, k, false, true);
    if (a === UNKNOWN) return UNSURE;
    if (a === NO) return found(k, REF);
    if (digits >= 4) return found(k - 1, REF);
  }
  k = i + 1;
  let letter = false;
  for (;;) {
    const c = code(s, k);
    if (isAlpha(c)) letter = true;
    else if (c >= 128) return UNSURE;
    else if (!isDigit(c) && c !== 95) break;
    k++;
  }
  return letter ? found(k, HASHTAG) : NONE;
}

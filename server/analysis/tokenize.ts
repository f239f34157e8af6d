/**
 * A tokenizer for social posts: URLs, @handles, #tags (camelCase split), cashtags, emoji and
 * emoticons, elongations ("sooo"), ALL-CAPS emphasis, contractions and negations, and reference
 * numbers ("#48213", "INV-2026-0193") kept as single tokens.
 */
export type TokenKind = 'word' | 'url' | 'mention' | 'hashtag' | 'cashtag' | 'emoji' | 'emoticon' | 'number' | 'ref' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Lower-case, elongations squeezed ("soooo" -> "soo"), curly apostrophes straightened. */
  norm: string;
  /** Written in capitals (at least two letters) */
  caps: boolean;
  /** Had a letter repeated three or more times. */
  elongated: boolean;
}

const PATTERN =
  /(https?:\/\/\S+|www\.\S+)|(@[\w.]+)|(#(?!\d+(?![\p{L}_]))[\p{L}\p{N}_]+)|(\$[A-Za-z]{1,6}\b)|((?:[A-Za-z]{2,4}-)?\d+(?:[-/]\d+)+|#\d{3,})|([:;=8xX][-'^]?[()[\]DPpO3/\\|*]+|<3|[)(][-']?[:;])|(\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic}|\ufe0f)*)|([\p{L}\p{M}]+(?:['’][\p{L}]+)*|\d+(?:[.,]\d+)?)|([!?]+|\.{2,}|[.,;:])/gu;

const CAMEL = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g;

/** @example tokenize('SOOO late!! @acme #NeverAgain').map(t => t.norm) // ['soo', 'late', '!!', '@acme', 'never', 'again'] */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(PATTERN)) {
    const [raw] = m;
    if (m[1]) out.push({ kind: 'url', norm: 'URL', caps: false, elongated: false });
    else if (m[2]) out.push({ kind: 'mention', norm: raw.toLowerCase(), caps: false, elongated: false });
    else if (m[3]) {
      // #NeverAgain also carries the words "never again".
      for (const part of raw.slice(1).match(CAMEL) ?? [raw.slice(1)]) out.push(word(part, 'hashtag'));
    } else if (m[4]) out.push({ kind: 'cashtag', norm: raw.toLowerCase(), caps: false, elongated: false });
    else if (m[5]) out.push({ kind: 'ref', norm: raw.toUpperCase(), caps: false, elongated: false });
    else if (m[6]) out.push({ kind: 'emoticon', norm: raw.toUpperCase() === raw ? raw : raw, caps: false, elongated: false });
    else if (m[7]) out.push({ kind: 'emoji', norm: raw.replace(/\ufe0f/g, ''), caps: false, elongated: false });
    else if (m[8]) out.push(/^\d/.test(raw) ? { kind: 'number', norm: raw, caps: false, elongated: false } : word(raw, 'word'));
    else out.push({ kind: 'punct', norm: raw, caps: false, elongated: false });
  }
  return out;
}

function word(raw: string, kind: TokenKind): Token {
  const lower = raw.toLowerCase().replace(/’/g, "'");
  const squeezed = lower.replace(/(\p{L})\1{2,}/gu, '$1$1');
  return { kind, norm: squeezed, caps: raw.length > 1 && raw === raw.toUpperCase() && /\p{Lu}/u.test(raw), elongated: squeezed !== lower };
}

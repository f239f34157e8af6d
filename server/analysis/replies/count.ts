/**
 * How long a reply is, counted the way each network counts it, so "fits" here means the network
 * will take it:
 * - X: twitter-text v3's weighted length. Code points in Latin, Greek, Cyrillic, Hebrew, Arabic...
 *   (U+0000–U+10FF) and some punctuation weigh 1, everything else (CJK, most symbols) 2; an emoji,
 *   even a multi-code-point sequence (👩‍👩‍👧, 🇫🇷), weighs 2; a URL weighs 23 whatever its length,
 *   because t.co rewrites it. Text is NFC-normalised first. Limit 280.
 * - Bluesky: 300 graphemes (Intl.Segmenter) and at most 3000 UTF-8 bytes (the post lexicon's two
 *   limits); links count as written, since we send the text as is.
 * - Mastodon: 500 by default (instances may raise it). Its StatusLengthValidator counts grapheme
 *   clusters after replacing each http(s) URL with 23 characters and each `@user@domain` mention
 *   with its local part `@user`.
 */
import { TLDS } from './tlds';

export type Network = 'x' | 'bluesky' | 'mastodon';
export const NETWORKS: readonly Network[] = ['x', 'bluesky', 'mastodon'];

export interface Count {
  network: Network;
  length: number;
  limit: number;
  /** Negative when over the limit. */
  remaining: number;
  fits: boolean;
  /** Set when something other than the length stops the network taking it. */
  problem: string | null;
}

const X_RANGES: Array<[number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const URL_WEIGHT = 23;

// twitter-text's URL rules, simplified: a host whose last label is a TLD it knows (so
// "acme.example/x" is plain text and "foo.bar" a link), with or without a scheme; a schemed host
// may also be a single label (localhost). Paths take Latin, Cyrillic, digits and URL punctuation;
// trailing punctuation ("see https://acme.com/help.") is not part of the link.
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}_-]*[\p{L}\p{N}])?`;
const HOST = `(?:${LABEL}\\.)+(?:${TLDS})(?![\\p{L}\\p{N}_-])`;
const PORT = String.raw`(?::\d{1,5})?`;
const PATH = String.raw`(?:[/?#][\p{Script=Latin}\p{Script=Cyrillic}\p{N}!*';:=+,.$/%#\[\]\-\u2013_~&|@?()]*)?`;
const X_URL = new RegExp(`(?<![\\p{L}\\p{N}@.\\-/_#$])(?:https?://(?:${HOST}|${LABEL}(?![.\\p{L}\\p{N}_-]))${PORT}${PATH}|${HOST}${PORT}${PATH})`, 'giu');
const HTTP_URL = /https?:\/\/[^\s<>"]+/giu;
const TRAILING = /[.,;:!?'")\]]+$/u;
// \p{RGI_Emoji} needs the v flag; built at run time so the ES2023 target does not refuse it.
const EMOJI = new RegExp('\\p{RGI_Emoji}', 'gv');
// Characters twitter-text refuses outright.
const X_INVALID = /[\uFFFE\uFEFF\uFFFF]/u;

/** Spans [start, end) of URLs in `text`, trailing punctuation excluded. */
function urlSpans(text: string, pattern: RegExp): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(pattern)) {
    const url = m[0].replace(TRAILING, '');
    if (url.length) spans.push([m.index, m.index + url.length]);
  }
  return spans;
}

/** X's weighted length. @example xLength('héllo 👋 https://example.com/a/very/long/path') // 6 + 2 + 1 + 23 = 32 */
export function xLength(input: string): number {
  const text = input.normalize('NFC');
  const urls = urlSpans(text, X_URL);
  const emoji = [...text.matchAll(EMOJI)].map((m) => [m.index, m.index + m[0].length] as const);
  let weight = 0;
  let i = 0;
  let u = 0;
  let e = 0;
  while (i < text.length) {
    while (u < urls.length && urls[u]![1] <= i) u++;
    while (e < emoji.length && emoji[e]![1] <= i) e++;
    if (u < urls.length && urls[u]![0] === i) {
      weight += URL_WEIGHT;
      i = urls[u]![1];
      continue;
    }
    if (e < emoji.length && emoji[e]![0] === i) {
      weight += 2;
      i = emoji[e]![1];
      continue;
    }
    const cp = text.codePointAt(i)!;
    weight += X_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
    i += cp > 0xffff ? 2 : 1;
  }
  return weight;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** User-perceived characters. @example graphemes('👩‍👩‍👧 é') // 3 */
export function graphemes(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

const MASTODON_MENTION = /(?<=^|[^\p{L}\p{N}_/])@([\p{L}\p{N}_]+(?:[\p{L}\p{N}_.-]+[\p{L}\p{N}_]+)?)@[\p{L}\p{N}.-]+[\p{L}\p{N}]/gu;

/** Mastodon's countable length. @example mastodonLength('@ann@social.example hi https://example.com/x') // '@ann hi ' + 23 = 31 */
export function mastodonLength(text: string): number {
  const spans = urlSpans(text, HTTP_URL);
  let rest = '';
  let urls = 0;
  let at = 0;
  for (const [start, end] of spans) {
    rest += text.slice(at, start);
    urls++;
    at = end;
  }
  rest += text.slice(at);
  return graphemes(rest.replace(MASTODON_MENTION, '@$1')) + urls * URL_WEIGHT;
}

export const LIMITS: Record<Network, number> = { x: 280, bluesky: 300, mastodon: 500 };
const BLUESKY_MAX_BYTES = 3000;

/** The count for one network; `limit` overrides the default (a Mastodon instance's own). */
export function countFor(network: Network, text: string, limit = LIMITS[network]): Count {
  let length: number;
  let problem: string | null = null;
  if (network === 'x') {
    length = xLength(text);
    if (X_INVALID.test(text)) problem = 'X refuses the characters U+FFFE, U+FEFF and U+FFFF.';
  } else if (network === 'bluesky') {
    length = graphemes(text);
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > BLUESKY_MAX_BYTES) problem = `Bluesky takes at most ${BLUESKY_MAX_BYTES} bytes; this is ${bytes}.`;
  } else {
    length = mastodonLength(text);
  }
  if (text.trim() === '') problem = 'The reply is empty.';
  return { network, length, limit, remaining: limit - length, fits: length <= limit && problem === null, problem };
}

/** Counts for every network, for the live counter beside the draft. */
export function countAll(text: string): Count[] {
  return NETWORKS.map((n) => countFor(n, text));
}

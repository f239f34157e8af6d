/**
 * Text normalization for issue grouping: lower case, contractions expanded, stop words out,
 * a light suffix stemmer. Deliberately small and deterministic: grouping compares posts with
 * each other, so consistency matters more than linguistic accuracy.
 */

/** Longest text we look at; post text is untrusted and may be huge. */
const MAX_CHARS = 2000;

const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bcan['’]?t\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon['’]t\b/g, 'will not'],
  [/\b(\w+)n['’]t\b/g, '$1 not'],
  [/\b(\w+)['’](s|re|ve|ll|d|m)\b/g, '$1'],
];

/**
 * Lower-cased text with contractions expanded and punctuation turned to spaces, single-spaced.
 * @example normalizeText("Hasn't ARRIVED!!") // "has not arrived"
 */
export function normalizeText(text: string): string {
  let t = text.slice(0, MAX_CHARS).toLowerCase().normalize('NFKC');
  t = t.replace(/https?:\/\/\S+/g, ' ').replace(/[@#](\w+)/g, ' $1 ');
  for (const [re, rep] of CONTRACTIONS) t = t.replace(re, rep);
  return t
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

const STOP = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by never ' +
    'could did do does doing down during each few for from further had has have having he her here hers herself him himself ' +
    'his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them themselves then there these they ' +
    'this those through to too under until up very was we were what when where which while who whom why will with would you ' +
    'your yours yourself yourselves can may might must shall also ever even still yet already again really actually literally ' +
    'please thanks thank hi hello hey guys anyone someone somebody anybody everyone u ur im ive dont lol omg wtf like get got ' +
    'getting go going gone one two three day days week weeks today yesterday tomorrow time times now ago since via us let ' +
    'know think want need say said tell told make made way thing things lot much many well back oh ok okay yes yeah amp rt'
  ).split(' '),
);

/** True for words that carry no topic ("the", "still", "please"). */
export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !'lsz'.includes(w[n - 1] ?? '')) return w.slice(0, -1);
  return w;
}

/**
 * A light suffix stemmer (plural, -ed, -ing, -ly, final e) so inflections meet.
 * @example stem('delivered') === stem('delivering') // true ("deliver")
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('es') && /(ch|sh|x|zz)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length > 4) w = `${w.slice(0, -1)}i`;
  return w;
}

/**
 * Stemmed content words of a normalized text: no stop words, no pure numbers, no 1-letter tokens.
 * @example contentTerms(normalizeText('The parcels were delayed')) // ['parcel', 'delay']
 */
export function contentTerms(normalized: string): string[] {
  return contentWords(normalized).map((w) => w.stem);
}

/** Like `contentTerms`, keeping each stem's surface word for display. */
export function contentWords(normalized: string): Array<{ stem: string; word: string }> {
  const out: Array<{ stem: string; word: string }> = [];
  for (const w of normalized.split(' ')) {
    if (w.length < 2 || STOP.has(w) || /^\d+$/.test(w)) continue;
    out.push({ stem: stem(w), word: w });
  }
  return out;
}

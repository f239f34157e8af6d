/**
 * Features of the learned layer, shared by training and scoring so both see exactly the same:
 * hashed word unigrams (marked when inside a negation's scope), word bigrams and character
 * 3-5-grams, plus dense features read off the lexicon-and-rules layer and two more lexicons
 * (SentiCon and Pattern, from natural, baked into the model file by the trainer).
 *
 * Features go into a reusable buffer of indices and values: no strings or objects per feature.
 */
import type { Token } from '../tokenize';
import type { RulesResult } from './rules';

/** Names of the dense features, in order; their weights follow the hashed ones. */
export const DENSE = [
  'rules compound', 'rules positive', 'rules negative', 'domain complaints', 'emoji', 'negations', 'exclamations', 'questions',
  'last verdict', 'senticon positive', 'senticon negative', 'pattern polarity', 'links', 'caps words', 'elongations',
  'vader positive', 'vader negative',
] as const;

export interface FeatureBuffer {
  idx: Int32Array;
  val: Float32Array;
  n: number;
  /** For each token, the position in idx/val of its unigram feature (-1 when none): the rationale reads these. */
  tokenFeature: Int32Array;
}

const CAPACITY = 8192;
const CODES = new Int32Array(32);
/** The word entry of each token of the post being read (its first tokens.length slots), reused from post to post. */
const ENTRY_AT: Array<WordEntry | undefined> = [];

export function createBuffer(): FeatureBuffer {
  return { idx: new Int32Array(CAPACITY), val: new Float32Array(CAPACITY), n: 0, tokenFeature: new Int32Array(2048) };
}

/** Extra lexicons: word -> [SentiCon polarity, Pattern polarity, VADER valence / 4], each in [-1, 1]. */
export type ExtraLexicon = Map<string, readonly [number, number, number]>;

const SEED_WORD = 0x811c9dc5;
const SEED_NEG = 0x2f6b1a3d;
const SEED_CHAR = 0x5bd1e995;
const SEED_KIND = 0x1b873593;
const NEG_SCOPE = 3;

function fnv(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function isWord(t: Token): boolean {
  return t.kind === 'word' || t.kind === 'hashtag';
}

/** The unigram hash of a token: kinds that vary without meaning (links, handles, numbers) share one. */
function tokenHash(t: Token, negated: boolean): number {
  switch (t.kind) {
    case 'url':
      return SEED_KIND + 1;
    case 'mention':
      return SEED_KIND + 2;
    case 'number':
      return SEED_KIND + 3;
    case 'ref':
      return SEED_KIND + 4;
    case 'cashtag':
      return SEED_KIND + 5;
    default:
      return fnv(t.norm, negated ? SEED_NEG : SEED_WORD);
  }
}

/** What the features need of one distinct word, computed once (see wordOf). */
interface WordEntry {
  /** Unigram hash, plain and inside a negation's scope (0 until first needed). */
  hash: number;
  negHash: number;
  /** Masked indices of the character 3-5-grams, in emission order (empty when the word is too long). */
  grams: number[];
  extra: readonly [number, number, number] | undefined;
}

/**
 * Words repeat across posts, so each distinct one is hashed once per lexicon and hashed space.
 * The size cap keeps memory bounded on a hostile stream of distinct words: the cache starts over.
 */
const MAX_WORDS = 50_000;
let words = new Map<string, WordEntry>();
let wordsFor: { extra: ExtraLexicon | null; bits: number } = { extra: null, bits: -1 };

function wordOf(norm: string, extra: ExtraLexicon, bits: number): WordEntry {
  if (wordsFor.extra !== extra || wordsFor.bits !== bits) {
    words = new Map();
    wordsFor = { extra, bits };
  }
  let e = words.get(norm);
  if (e === undefined) {
    if (words.size >= MAX_WORDS) words.clear();
    e = { hash: fnv(norm, SEED_WORD), negHash: 0, grams: charGrams(norm, (1 << bits) - 1), extra: extra.get(norm) };
    words.set(norm, e);
  }
  return e;
}

/** Character 3-5-grams of "<word>": spelling variants and unseen inflections share them. */
function charGrams(w: string, mask: number): number[] {
  const out: number[] = [];
  const len = w.length + 2;
  if (len > 30) return out;
  CODES[0] = 60;
  for (let k = 0; k < w.length; k++) CODES[k + 1] = w.charCodeAt(k);
  CODES[len - 1] = 62;
  for (let a = 0; a + 3 <= len; a++) {
    let hc = Math.imul(SEED_CHAR ^ CODES[a]!, 0x01000193);
    hc = Math.imul(hc ^ CODES[a + 1]!, 0x01000193);
    const end = a + 5 < len ? a + 5 : len;
    for (let b = a + 2; b < end; b++) {
      hc = Math.imul(hc ^ CODES[b]!, 0x01000193);
      out.push((hc ^ (hc >>> 15)) & mask);
    }
  }
  return out;
}

/**
 * Fills `buf` with the features of one post. `bits`: log2 of the hashed space; dense features
 * take the indices just after it.
 */
export function extractFeatures(tokens: Token[], rules: RulesResult, extra: ExtraLexicon, bits: number, buf: FeatureBuffer): void {
  const mask = (1 << bits) - 1;
  const { idx, val } = buf;
  const limit = CAPACITY - DENSE.length - 8;
  let n = 0;
  let prev = SEED_KIND;
  let negateLeft = 0;
  let sentiPos = 0;
  let sentiNeg = 0;
  let pattern = 0;
  let vaderPos = 0;
  let vaderNeg = 0;
  let links = 0;
  let caps = 0;
  let elongations = 0;
  let halves = 0;
  if (buf.tokenFeature.length < tokens.length) buf.tokenFeature = new Int32Array(tokens.length * 2);
  // The hashed part is scaled to unit length, so long posts do not shout. Every value is 1 or a
  // gram's 0.5, so the length is a count known before anything is written: values go in scaled
  // (the same float32s as writing 1 and 0.5, then scaling), unless the post reaches the buffer's cap.
  let grams = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = isWord(t) || t.kind === 'emoji' || t.kind === 'emoticon' || t.kind === 'punct' ? wordOf(t.norm, extra, bits) : undefined;
    ENTRY_AT[i] = w;
    if (w !== undefined && isWord(t)) grams += w.grams.length;
  }
  const total = 2 * tokens.length + 1 + grams;
  const scaled = total + 3 < limit;
  const inv = scaled ? 1 / Math.sqrt(total - grams + 0.25 * grams) : 1;
  const one = inv;
  const half = 0.5 * inv;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    buf.tokenFeature[i] = -1;
    if (n >= limit) continue;
    if (t.kind === 'punct') {
      negateLeft = 0;
    } else if (t.negation) {
      negateLeft = NEG_SCOPE;
    }
    const word = isWord(t);
    const negated = negateLeft > 0 && !t.negation && word;
    const w = ENTRY_AT[i];
    const h = w !== undefined ? (negated ? (w.negHash ||= fnv(t.norm, SEED_NEG)) : w.hash) : tokenHash(t, negated);
    buf.tokenFeature[i] = n;
    idx[n] = h & mask;
    val[n++] = one;
    idx[n] = mix(prev, h) & mask;
    val[n++] = one;
    prev = h;
    if (word) {
      if (negated) negateLeft--;
      if (t.caps) caps++;
      if (t.elongated) elongations++;
      const e = w!.extra;
      if (e) {
        const s = negated ? -e[0] : e[0];
        if (s > 0) sentiPos += s;
        else sentiNeg -= s;
        pattern += negated ? -e[1] : e[1];
        const v = negated ? -e[2] : e[2];
        if (v > 0) vaderPos += v;
        else vaderNeg -= v;
      }
      const grams = w!.grams;
      if (n + grams.length + 3 < limit) {
        halves += grams.length;
        for (let g = 0; g < grams.length; g++) {
          idx[n] = grams[g]!;
          val[n++] = half;
        }
      } else {
        // Near the buffer's cap: a start position's grams go in only while three more still fit.
        const len = t.norm.length + 2;
        let g = 0;
        for (let a = 0; a + 3 <= len && n + 3 < limit && g < grams.length; a++) {
          const end = a + 5 < len ? a + 5 : len;
          for (let b = a + 2; b < end; b++) {
            idx[n] = grams[g++]!;
            val[n++] = 0.5;
            halves++;
          }
        }
      }
    } else if (t.kind === 'url') links++;
    else if (t.kind === 'emoticon') {
      // VADER's lexicon knows hundreds of emoticons the rules do not.
      const e = w!.extra;
      if (e) {
        if (e[2] > 0) vaderPos += e[2];
        else vaderNeg -= e[2];
      }
    }
  }
  idx[n] = mix(prev, SEED_KIND + 9) & mask;
  val[n++] = one;
  if (!scaled) {
    // The sum of squares is a count here too (exactly what adding them up gave).
    const norm = n - halves + 0.25 * halves;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < n; k++) val[k] = val[k]! * scale;
  }
  const d = 1 << bits;
  const dense = [
    rules.compound,
    rules.positive / (rules.positive + 3),
    -rules.negative / (-rules.negative + 3),
    Math.tanh(rules.domain / 3),
    Math.tanh(rules.emoji / 3),
    rules.negations > 0 ? 1 : 0,
    rules.bangs > 0 ? 1 : 0,
    rules.questions > 0 ? 1 : 0,
    Math.tanh(rules.last / 3),
    sentiPos / (sentiPos + 1),
    sentiNeg / (sentiNeg + 1),
    Math.tanh(pattern),
    links > 0 ? 1 : 0,
    Math.min(1, caps / 3),
    Math.min(1, elongations / 2),
    vaderPos / (vaderPos + 1),
    vaderNeg / (vaderNeg + 1),
  ];
  for (let k = 0; k < dense.length; k++) {
    idx[n] = d + k;
    val[n++] = dense[k]!;
  }
  buf.n = n;
}

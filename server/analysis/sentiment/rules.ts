/**
 * The lexicon-and-rules layer, in the manner of VADER (Hutto & Gilbert 2014): word valences from
 * AFINN-165 and the domain lexicon, emoji and emoticons, multi-word complaints matched first,
 * negation scope, boosters and dampeners, contrast ("but" weighs what follows), caps, elongation
 * and exclamation emphasis. Its sum is one reading of the post and its parts are the rationale.
 */
import type { Token } from '../tokenize';
import { BOOSTERS, DOMAIN_PHRASES, EMOJI, EMOTICONS, LEXICON, NEGATED_VALENCE, OBJECT_FILLERS, PROBLEM_NOUNS, RESOLVED, SPEED } from './lexicon';

const NEGATION_FACTOR = -0.74;
const NEGATION_SCOPE = 3;
const CAPS_BOOST = 0.733;
const ELONGATION_BOOST = 0.5;
const BOOSTER_SCALE = 4;
const BANG_BOOST = 0.292 * 4;
/** VADER's normalization constant: sum / sqrt(sum² + 15). */
export const ALPHA = 15;

/** A multi-word expression of the domain lexicon, with its name for the rationale. */
interface Phrase {
  words: string[];
  valence: number;
  name: string;
}

const PHRASES = new Map<string, Phrase[]>();
for (const [words, valence] of DOMAIN_PHRASES) PHRASES.set(words[0]!, [...(PHRASES.get(words[0]!) ?? []), { words, valence, name: words.join(' ') }]);

const CONTRAST = new Set(['but', 'however', 'although', 'though', 'yet', 'except']);
// Maps, not the lexicon's records: a post's word is no key of a plain object ("not constructor"
// read Object's constructor function as a valence and scored NaN).
const NEGATED = new Map(Object.entries(NEGATED_VALENCE));
const BOOST = new Map(Object.entries(BOOSTERS));
const EMOTICON_VALENCE = new Map(Object.entries(EMOTICONS));
const SQUEEZE_ALL = /(\p{L})\1+/gu;

/** What the rules read of one normalized word: every list it is in, looked up once. */
interface Entry {
  /** Its lexicon valence, if the lexicon has it. */
  valence: number | undefined;
  /** The lexicon valence of its single-letter form ("baad" -> "bad"), 0 if none: for elongated words. */
  squeezed: number;
  phrases: Phrase[] | undefined;
  contrast: boolean;
  speed: boolean;
  problem: boolean;
  /** Its valence inside a negation's scope ("doesn't work"). */
  negated: number | undefined;
  booster: number | undefined;
}

/**
 * Words recur in every post, so each distinct one is looked up in the lists once; the size cap
 * keeps memory bounded on a hostile stream of distinct words (the cache starts over).
 */
const MAX_ENTRIES = 50_000;
const ENTRIES = new Map<string, Entry>();

function entryOf(norm: string): Entry {
  let e = ENTRIES.get(norm);
  if (e === undefined) {
    if (ENTRIES.size >= MAX_ENTRIES) ENTRIES.clear();
    const squeezed = norm.replace(SQUEEZE_ALL, '$1');
    e = {
      valence: LEXICON.get(norm),
      squeezed: LEXICON.get(squeezed) ?? 0,
      phrases: PHRASES.get(norm),
      contrast: CONTRAST.has(norm),
      speed: SPEED.has(norm),
      problem: PROBLEM_NOUNS.has(norm),
      negated: NEGATED.get(norm),
      booster: BOOST.get(norm),
    };
    ENTRIES.set(norm, e);
  }
  return e;
}

/** One scored token or phrase: its valence after the rules, a name for the rationale, where it sits. */
export interface Part {
  valence: number;
  feature: string;
  index: number;
}

export interface RulesResult {
  /** Sum of valences after emphasis, on AFINN's scale. */
  sum: number;
  /** sum / sqrt(sum² + 15), in (-1, 1). */
  compound: number;
  parts: Part[];
  positive: number;
  negative: number;
  /** Sum of domain-phrase valences (complaints the general lexicon misses). */
  domain: number;
  emoji: number;
  negations: number;
  bangs: number;
  questions: number;
  /** Valence of the last scored part: tweets often end on their verdict. */
  last: number;
}

/** Valence of a single token before the rules (0 when it carries none). */
export function valenceOf(t: Token): number {
  switch (t.kind) {
    case 'word':
    case 'hashtag':
      return wordValence(t, entryOf(t.norm));
    case 'emoji':
      return EMOJI.get(t.norm) ?? 0;
    case 'emoticon':
      return EMOTICON_VALENCE.get(t.norm) ?? 0;
    default:
      return 0;
  }
}

// "baaaad" was squeezed to "baad": the single-letter form counts too.
const wordValence = (t: Token, e: Entry) => e.valence ?? (t.elongated ? e.squeezed : 0);

function phraseAt(tokens: Token[], i: number, e: Entry): Phrase | undefined {
  const candidates = e.phrases;
  if (!candidates) return undefined;
  outer: for (const p of candidates) {
    const words = p.words;
    if (i + words.length > tokens.length) continue;
    for (let k = 1; k < words.length; k++) if (tokens[i + k]!.norm !== words[k]) continue outer;
    return p;
  }
  return undefined;
}

/** Whether the problem noun at `i` is what a resolution acts on: "sorted my problem", "issue resolved". */
function resolvedAt(tokens: Token[], i: number): boolean {
  if (RESOLVED.has(tokens[i + 1]?.norm ?? '')) return true;
  for (let k = i - 1; k >= 0 && k >= i - 4; k--) {
    const norm = tokens[k]!.norm;
    if (RESOLVED.has(norm)) return true;
    if (!OBJECT_FILLERS.has(norm)) return false;
  }
  return false;
}

/** What the rules read of tokens that are not words: nothing (no list holds a link, an emoji or a reference). */
const NOT_A_WORD: Entry = { valence: undefined, squeezed: 0, phrases: undefined, contrast: false, speed: false, problem: false, negated: undefined, booster: undefined };
/** The entry of each token of the post being scored (its first tokens.length slots), reused from post to post. */
const AT: Entry[] = [];

/** Scores tokens with the rules. `allCaps`: the whole post is in capitals, so caps emphasise nothing. */
export function scoreRules(tokens: Token[], allCaps: boolean): RulesResult {
  const parts: Part[] = [];
  let negateLeft = 0;
  let negations = 0;
  let butAt = -1;
  let bangs = 0;
  let questions = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const kind = t.kind;
    const e = kind === 'word' || kind === 'hashtag' || kind === 'number' ? entryOf(t.norm) : NOT_A_WORD;
    AT[i] = e;
    if (butAt < 0 && kind === 'word' && e.contrast) butAt = i;
    if (kind === 'punct') {
      for (let k = 0; k < t.norm.length; k++) {
        const c = t.norm.charCodeAt(k);
        if (c === 33) bangs++;
        else if (c === 63) questions++;
      }
    }
  }
  let positive = 0;
  let negative = 0;
  let domain = 0;
  let emoji = 0;
  let clauseStart = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const kind = t.kind;
    if (kind === 'punct') {
      if (t.norm !== ',') negateLeft = 0;
      clauseStart = i + 1;
      continue;
    }
    if (kind === 'url' || kind === 'mention') continue;
    const e = AT[i]!;
    // Phrases first: "never arrived" is one complaint, not a negated "arrived".
    const phrase = phraseAt(tokens, i, e);
    let v: number;
    let feature: string;
    let negated = false;
    if (phrase) {
      v = phrase.valence;
      feature = phrase.name;
      domain += v;
    } else if (t.negation) {
      negateLeft = NEGATION_SCOPE;
      negations++;
      continue;
    } else {
      v = kind === 'word' || kind === 'hashtag' ? wordValence(t, e) : valenceOf(t);
      feature = t.norm;
      // A resolved problem is praise's object, not a complaint ("support sorted my problem").
      if (v < 0 && e.problem && resolvedAt(tokens, i)) v = 0;
      // Speed right after a fault makes the fault worse ("drains fast", "broke so quickly"), unless
      // a contrast turns to something else ("late but fast to refund").
      // (Never parts[-1]: a negative index is a slow property look-up in V8, not an array read.)
      const before = parts.length > 0 ? parts[parts.length - 1] : undefined;
      if (e.speed && before && before.valence < 0 && before.index >= clauseStart && i - before.index <= 3 && !(butAt > before.index && butAt < i)) {
        v = -1;
        feature = `${before.feature} ${t.norm}`;
      }
      if (negateLeft > 0) {
        const nv = e.negated;
        if (nv !== undefined && v === 0) {
          v = nv;
          domain += nv;
        } else v *= NEGATION_FACTOR;
        negated = v !== 0;
      }
      if (kind === 'emoji' || kind === 'emoticon') emoji += v;
    }
    if (v !== 0) {
      const prev = i > 0 ? tokens[i - 1] : undefined;
      const boost = prev && (prev.kind === 'word' || prev.kind === 'hashtag') ? AT[i - 1]!.booster : undefined;
      if (boost) v += Math.sign(v) * boost * BOOSTER_SCALE * (prev!.caps && !allCaps ? 1.5 : 1);
      if (t.caps && !allCaps) v += Math.sign(v) * CAPS_BOOST;
      if (t.elongated) v += Math.sign(v) * ELONGATION_BOOST;
      if (butAt >= 0) v *= i < butAt ? 0.5 : i > butAt ? 1.5 : 1;
      parts.push({ valence: v, feature: negated ? `not ${feature}` : feature, index: i });
      if (v > 0) positive += v;
      else negative += v;
    }
    if (phrase) i += phrase.words.length - 1;
    if (negateLeft > 0) negateLeft--;
  }
  let sum = positive + negative;
  // Exclamation marks amplify whatever the post already says.
  if (sum !== 0 && bangs) sum += Math.sign(sum) * Math.min(4, bangs) * BANG_BOOST * 0.25;
  const compound = sum / Math.sqrt(sum * sum + ALPHA);
  const last = parts.length ? parts[parts.length - 1]!.valence : 0;
  return { sum, compound, parts, positive, negative, domain, emoji, negations, bangs, questions, last };
}

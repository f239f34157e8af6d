/**
 * Aspects (delivery, quality, price, support, safety), each with its own polarity, and the
 * post's intent (complaint, question, praise, escalation threat, other).
 */
import type { Analysis, Aspect, Intent } from '../../../shared/domain';
import type { Token } from '../tokenize';
import { ASPECT_WORDS, ESCALATION, QUESTION_START } from './lexicon';
import { ALPHA, type Part } from './rules';

const ASPECTS = Object.entries(ASPECT_WORDS) as Array<[Aspect, RegExp]>;
const WINDOW = 4;
/** A word's aspects, as indices into ASPECTS. */
const cache = new Map<string, number[]>();

function aspectsOfWord(norm: string): number[] {
  let hit = cache.get(norm);
  if (hit === undefined) {
    hit = [];
    for (let a = 0; a < ASPECTS.length; a++) if (ASPECTS[a]![1].test(norm)) hit.push(a);
    // Words repeat: caching spares the regexes; the cap keeps memory bounded on hostile input.
    if (cache.size < 50_000) cache.set(norm, hit);
  }
  return hit;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

// Per aspect: the sum of its polarities and its mentions, and the order aspects were first named in.
const SUMS = new Float64Array(ASPECTS.length);
const MENTIONS = new Int32Array(ASPECTS.length);
const ORDER = new Int32Array(ASPECTS.length);

/** `overall`: the post's polarity in [-1, 1], used for an aspect with no opinion words near it. */
export function aspectsOf(tokens: Token[], parts: Part[], overall: number): Analysis['aspects'] {
  // An aspect named twice is averaged, not doubled.
  let named = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'hashtag') continue;
    const hits = aspectsOfWord(t.norm);
    if (hits.length === 0) continue;
    // The aspect's own polarity: what is said within a few words of it, else the whole post.
    let local = 0;
    let any = false;
    for (const p of parts)
      if (Math.abs(p.index - i) <= WINDOW) {
        local += p.valence;
        any = true;
      }
    const v = any && local !== 0 ? local / Math.sqrt(local * local + ALPHA) : overall;
    for (const a of hits) {
      if (named === 0 || !seen(a, named)) {
        ORDER[named++] = a;
        SUMS[a] = v;
        MENTIONS[a] = 1;
      } else {
        SUMS[a]! += v;
        MENTIONS[a]!++;
      }
    }
  }
  const out: Analysis['aspects'] = [];
  for (let k = 0; k < named; k++) {
    const a = ORDER[k]!;
    out.push({ aspect: ASPECTS[a]![0], polarity: round(Math.max(-1, Math.min(1, SUMS[a]! / MENTIONS[a]!))) });
  }
  return out;
}

function seen(a: number, named: number): boolean {
  for (let k = 0; k < named; k++) if (ORDER[k] === a) return true;
  return false;
}

/** @example intentOf('Where is my order?', 'negative') // 'question' */
export function intentOf(text: string, label: Analysis['label']): Intent {
  if (ESCALATION.test(text)) return 'escalation';
  if (text.includes('?') || QUESTION_START.test(text.trimStart())) return 'question';
  if (label === 'negative') return 'complaint';
  if (label === 'positive') return 'praise';
  return 'other';
}

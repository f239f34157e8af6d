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
const cache = new Map<string, Aspect[]>();

function aspectsOfWord(norm: string): Aspect[] {
  let hit = cache.get(norm);
  if (hit === undefined) {
    hit = ASPECTS.filter(([, re]) => re.test(norm)).map(([a]) => a);
    // Words repeat: caching spares the regexes; the cap keeps memory bounded on hostile input.
    if (cache.size < 50_000) cache.set(norm, hit);
  }
  return hit;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** `overall`: the post's polarity in [-1, 1], used for an aspect with no opinion words near it. */
export function aspectsOf(tokens: Token[], parts: Part[], overall: number): Analysis['aspects'] {
  // Aspect -> [sum of polarities, mentions]: an aspect named twice is averaged, not doubled.
  let found: Map<Aspect, [number, number]> | null = null;
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
    found ??= new Map();
    for (const a of hits) {
      const f = found.get(a);
      if (f) {
        f[0] += v;
        f[1]++;
      } else found.set(a, [v, 1]);
    }
  }
  if (!found) return [];
  const out: Analysis['aspects'] = [];
  for (const [aspect, [sum, n]] of found) out.push({ aspect, polarity: round(Math.max(-1, Math.min(1, sum / n))) });
  return out;
}

/** @example intentOf('Where is my order?', 'negative') // 'question' */
export function intentOf(text: string, label: Analysis['label']): Intent {
  if (ESCALATION.test(text)) return 'escalation';
  if (text.includes('?') || QUESTION_START.test(text.trimStart())) return 'question';
  if (label === 'negative') return 'complaint';
  if (label === 'positive') return 'praise';
  return 'other';
}

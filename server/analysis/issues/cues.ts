/**
 * Weighted cue matching, the engine under the problem lexicon (lexicon.ts). A cue is a short
 * phrase of words matched in order on a normalized text, where
 *   - a plain word matches any word with the same stem ("arrives" matches "arrived"),
 *   - `word*` matches any word starting with `word` ("reimburs*" matches "reimbursement"),
 *   - `=word` matches that word only ("=billed" is not "billing", though both stem to "bill"),
 *   - `!` matches a negation ("not", "never", "no", "cannot", "doesnt"...),
 *   - `...` lets up to five words come between its neighbours ("ordered ... got"),
 * and between any two other neighbours at most one word may come ("charged me twice",
 * "not yet arrived"). Each cue adds its weight once to its family's score.
 */
import { stem } from './text';

const NEGATIONS = new Set(
  'not never no nt cannot nothing nobody none neither nor dont doesnt didnt isnt wasnt wont cant havent hasnt hadnt couldnt wouldnt shouldnt arent werent aint nope without'.split(' '),
);

/** Shortest word (stem) read as a typo of a cue word: shorter words are too often other words. */
const TYPO_MIN_LENGTH = 6;

function deletions(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

type Part = { kind: 'stem'; value: string } | { kind: 'prefix'; value: string } | { kind: 'exact'; value: string } | { kind: 'neg' };

interface Cue {
  family: string;
  weight: number;
  parts: Part[];
  /** Max words allowed before each part (index 0 unused). */
  gaps: number[];
}

export interface Token {
  word: string;
  stem: string;
  neg: boolean;
}

export function tokens(normalized: string): Token[] {
  return normalized
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => ({ word: w, stem: stem(w), neg: NEGATIONS.has(w) }));
}

function partMatches(p: Part, t: Token): boolean {
  if (p.kind === 'neg') return t.neg;
  if (p.kind === 'prefix') return t.word.startsWith(p.value);
  if (p.kind === 'exact') return t.word === p.value;
  return t.stem === p.value;
}

function parseCue(family: string, weight: number, text: string): Cue {
  const parts: Part[] = [];
  const gaps: number[] = [];
  let gap = 1;
  for (const w of text.trim().split(/\s+/)) {
    if (w === '...') {
      gap = 5;
      continue;
    }
    if (w === '!') parts.push({ kind: 'neg' });
    else if (w.endsWith('*')) parts.push({ kind: 'prefix', value: w.slice(0, -1) });
    else if (w.startsWith('=')) parts.push({ kind: 'exact', value: w.slice(1) });
    else parts.push({ kind: 'stem', value: stem(w) });
    gaps.push(parts.length === 1 ? 0 : gap);
    gap = 1;
  }
  return { family, weight, parts, gaps };
}

/** Does `cue` match starting at token `i`? Greedy on the nearest occurrence of each next part. */
function matchesAt(cue: Cue, ts: Token[], i: number): boolean {
  let pos = i;
  for (let k = 1; k < cue.parts.length; k++) {
    const p = cue.parts[k] as Part;
    const limit = Math.min(ts.length - 1, pos + 1 + (cue.gaps[k] as number));
    let found = -1;
    for (let j = pos + 1; j <= limit; j++) {
      if (partMatches(p, ts[j] as Token)) {
        found = j;
        break;
      }
    }
    if (found < 0) return false;
    pos = found;
  }
  return true;
}

/**
 * A compiled set of cue families: `score(tokens)` sums, per family, the weights of the cues found.
 * @example new CueSet({ late: [[3, '! arriv*']] }).score(tokens('it has not arrived')) // Map { 'late' => 3 }
 */
export class CueSet {
  private readonly byStem = new Map<string, Cue[]>();
  /** Cues starting with `word*`, by the prefix's first three letters. */
  private readonly byPrefix = new Map<string, Cue[]>();
  /** Cues starting with `!`, by what their second part needs (a stem, or `*` and three letters). */
  private readonly byNeg = new Map<string, Cue[]>();

  /** Every stem and prefix the cues use, and the same with one letter deleted -> those keys (for typos). */
  private readonly known = new Set<string>();
  private readonly knownPrefixes = new Map<string, string[]>();
  private readonly oneDelete = new Map<string, string[]>();

  constructor(families: Record<string, Array<[number, string]>>) {
    for (const [family, lists] of Object.entries(families)) {
      for (const [weight, alternatives] of lists) {
        for (const alt of alternatives.split('|')) {
          if (alt.trim() === '') continue;
          const cue = parseCue(family, weight, alt);
          for (const part of cue.parts) if (part.kind === 'stem' || part.kind === 'prefix') this.learn(part);
          const first = cue.parts[0] as Part;
          if (first.kind === 'neg') {
            const next = cue.parts[1];
            if (next === undefined || next.kind === 'neg') throw new Error(`a cue needs a word after !: ${alt}`);
            const key = next.kind === 'prefix' ? `*${next.value.slice(0, 3)}` : next.kind === 'exact' ? stem(next.value) : next.value;
            if (next.kind === 'prefix' && next.value.length < 3) throw new Error(`cue prefix too short: ${alt}`);
            this.byNeg.set(key, [...(this.byNeg.get(key) ?? []), cue]);
          }
          else if (first.kind === 'prefix') {
            if (first.value.length < 3) throw new Error(`cue prefix too short: ${alt}`);
            const key = first.value.slice(0, 3);
            this.byPrefix.set(key, [...(this.byPrefix.get(key) ?? []), cue]);
          }
          else {
            const key = first.kind === 'exact' ? stem(first.value) : first.value;
            this.byStem.set(key, [...(this.byStem.get(key) ?? []), cue]);
          }
        }
      }
    }
  }

  private learn(part: { kind: 'stem' | 'prefix'; value: string }): void {
    const key = part.value;
    if (part.kind === 'prefix') this.knownPrefixes.set(key.slice(0, 3), [...new Set([...(this.knownPrefixes.get(key.slice(0, 3)) ?? []), key])]);
    if (this.known.has(key)) return;
    this.known.add(key);
    if (key.length < TYPO_MIN_LENGTH - 1) return;
    for (const d of deletions(key)) this.oneDelete.set(d, [...new Set([...(this.oneDelete.get(d) ?? []), key])]);
  }

  private isKnown(t: Token): boolean {
    return this.known.has(t.stem) || (this.knownPrefixes.get(t.word.slice(0, 3)) ?? []).some((p) => t.word.startsWith(p));
  }

  /**
   * A long word the cues do not know, one edit (a letter missing, extra, wrong or two swapped)
   * from exactly one word they do, read as that word: "recieved", "pasword", "cancelld".
   */
  private corrected(t: Token): Token {
    if (t.neg || t.stem.length < TYPO_MIN_LENGTH || /\d/.test(t.word) || this.isKnown(t)) return t;
    const found = new Set<string>();
    for (const v of [t.stem, ...deletions(t.stem)]) {
      if (this.known.has(v) && v !== t.stem && v.length >= TYPO_MIN_LENGTH - 1) found.add(v);
      for (const k of this.oneDelete.get(v) ?? []) found.add(k);
    }
    if (found.size !== 1) return t;
    const k = [...found][0] as string;
    return { word: k, stem: k, neg: false };
  }

  score(input: Token[]): Map<string, number> {
    const ts = input.map((t) => this.corrected(t));
    const found = new Map<Cue, number>();
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as Token;
      const candidates = this.byStem.get(t.stem);
      if (candidates) for (const c of candidates) if (!found.has(c) && partMatches(c.parts[0] as Part, t) && matchesAt(c, ts, i)) found.set(c, i);
      if (t.neg) {
        // Only the cues whose second word is one of the next two words can match here.
        for (let j = i + 1; j <= i + 2 && j < ts.length; j++) {
          const u = ts[j] as Token;
          for (const key of [u.stem, `*${u.word.slice(0, 3)}`]) {
            for (const c of this.byNeg.get(key) ?? []) if (!found.has(c) && matchesAt(c, ts, i)) found.set(c, i);
          }
        }
      }
      for (const c of this.byPrefix.get(t.word.slice(0, 3)) ?? []) {
        if (!found.has(c) && partMatches(c.parts[0] as Part, t) && matchesAt(c, ts, i)) found.set(c, i);
      }
    }
    // One word is one piece of evidence: "billing" matched by both `bill` and `billing*` counts
    // once, at the larger weight. Phrases do add up: a problem said in several ways is surer.
    const single = new Map<string, number>();
    const evidence: Array<[string, number]> = [];
    for (const [c, at] of found) {
      if (c.parts.length > 1) evidence.push([c.family, c.weight]);
      else single.set(`${c.family} ${at}`, Math.max(single.get(`${c.family} ${at}`) ?? 0, c.weight));
    }
    for (const [key, weight] of single) evidence.push([key.slice(0, key.indexOf(' ')), weight]);
    const out = new Map<string, number>();
    const lean = new Map<string, number>();
    for (const [family, weight] of evidence) {
      const into = weight >= 2 ? out : lean;
      into.set(family, (into.get(family) ?? 0) + weight);
    }
    // Words that only lean towards a problem (the things it is about: "invoice", "courier") add to
    // evidence found elsewhere but never make it on their own: "paid my invoice" names no problem.
    for (const [family, weight] of lean) if (out.has(family)) out.set(family, (out.get(family) as number) + weight);
    return out;
  }
}

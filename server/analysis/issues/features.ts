/**
 * A post's representation for grouping: a unit vector with two parts, the problem concepts it
 * names (weighted 0.8) and its stemmed words and bigrams weighted by TF-IDF with document
 * frequencies learned online (weighted 0.6). Two posts naming the same problem in entirely
 * different words still score 0.64 (0.8²), and two posts naming different problems score little
 * even when they share most of their words (0.6² at most).
 */
import type { Reference } from '../../../shared/domain';
import { extractReferences } from './references';
import { contentWords, normalizeText } from './text';
import type { Vec } from './types';
import { conceptsIn, isProblem } from './vocabulary';

const CONCEPT_PART = 0.8;
const TERM_PART = 0.6;
const OBJECT_WEIGHT = 0.5;
const BIGRAM_WEIGHT = 0.6;

export interface PostFeatures {
  /** Distinct unigram stems and `a b` bigrams. */
  terms: string[];
  /** Term counts (unigrams and bigrams). */
  tf: Record<string, number>;
  concepts: string[];
  /** `type:value`. */
  refs: string[];
  normalized: string;
  /** Stem -> a surface word it came from, for readable key terms. */
  surface: Record<string, string>;
}

export function postFeatures(text: string, references?: Reference[]): PostFeatures {
  const normalized = normalizeText(text);
  const pairs = contentWords(normalized);
  const words = pairs.map((p) => p.stem);
  const surface: Record<string, string> = {};
  for (const p of pairs) surface[p.stem] ??= p.word;
  const tf: Record<string, number> = {};
  for (let i = 0; i < words.length; i++) {
    const a = words[i] as string;
    tf[a] = (tf[a] ?? 0) + 1;
    const b = words[i + 1];
    if (b !== undefined && b !== a) tf[`${a} ${b}`] = (tf[`${a} ${b}`] ?? 0) + 1;
  }
  const refs = (references ?? extractReferences(text)).map((r) => `${r.type.toLowerCase()}:${r.value.toLowerCase()}`);
  return { terms: Object.keys(tf), tf, concepts: conceptsIn(normalized), refs: [...new Set(refs)], normalized, surface };
}

/** Inverse document frequency with add-one smoothing; unseen terms get the highest weight. */
export function idf(df: Record<string, number>, docs: number, term: string): number {
  return Math.log((1 + docs) / (1 + (df[term] ?? 0))) + 1;
}

/** The post's unit vector under the current document frequencies. */
export function vectorize(f: PostFeatures, df: Record<string, number>, docs: number): Vec {
  const termPart: Vec = {};
  let tn = 0;
  for (const [t, n] of Object.entries(f.tf)) {
    const wgt = (1 + Math.log(n)) * idf(df, docs, t) * (t.includes(' ') ? BIGRAM_WEIGHT : 1);
    termPart[t] = wgt;
    tn += wgt * wgt;
  }
  const conceptPart: Vec = {};
  let cn = 0;
  for (const c of f.concepts) {
    const wgt = isProblem(c) ? 1 : OBJECT_WEIGHT;
    conceptPart[`#${c}`] = wgt;
    cn += wgt * wgt;
  }
  const hasTerms = tn > 0;
  const hasConcepts = cn > 0;
  const tw = hasConcepts ? TERM_PART : 1;
  const cw = hasTerms ? CONCEPT_PART : 1;
  const out: Vec = {};
  if (hasTerms) for (const [t, v] of Object.entries(termPart)) out[t] = (tw * v) / Math.sqrt(tn);
  if (hasConcepts) for (const [t, v] of Object.entries(conceptPart)) out[t] = (cw * v) / Math.sqrt(cn);
  return out;
}

export function norm(v: Vec): number {
  let s = 0;
  for (const x of Object.values(v)) s += x * x;
  return Math.sqrt(s);
}

export function dot(a: Vec, b: Vec): number {
  let small = a;
  let big = b;
  if (Object.keys(a).length > Object.keys(b).length) [small, big] = [b, a];
  let s = 0;
  for (const [k, x] of Object.entries(small)) {
    const y = big[k];
    if (y !== undefined) s += x * y;
  }
  return s;
}

export function cosine(a: Vec, b: Vec): number {
  const na = norm(a);
  const nb = norm(b);
  return na === 0 || nb === 0 ? 0 : dot(a, b) / (na * nb);
}

/** Adds (sign 1) or removes (sign -1) a vector from a centroid in place, then keeps its strongest features. */
export function accumulate(centroid: Vec, v: Vec, sign: 1 | -1, maxTerms: number): void {
  for (const [k, x] of Object.entries(v)) {
    const next = (centroid[k] ?? 0) + sign * x;
    if (next <= 1e-9) delete centroid[k];
    else centroid[k] = next;
  }
  const keys = Object.keys(centroid);
  // Prune only when well over the cap, so pruning stays rare.
  if (keys.length > maxTerms * 2) {
    keys.sort((x, y) => (centroid[y] ?? 0) - (centroid[x] ?? 0) || (x < y ? -1 : 1));
    for (const k of keys.slice(maxTerms)) {
      // Concepts always stay: they are what an issue is about.
      if (!k.startsWith('#')) delete centroid[k];
    }
  }
}

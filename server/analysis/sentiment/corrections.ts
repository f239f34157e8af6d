/**
 * A deployment's analyst corrections. Two effects: an exact memory (a corrected post and its
 * copies take the analyst's label), and an adapted learned layer: the base weights nudged by a
 * few passes of gradient steps on the corrected posts until each reads as labelled, so posts that
 * share their words and phrases ("sick" meaning good, a supplier's jargon) move too.
 */
import { decide, readingOf, type RulesReading } from './decision';
import type { FeatureBuffer } from './features';
import { CLASSES, type Model, type SentimentClass } from './model';
import { cleanText, prepare, type Prepared } from './prepare';
import { toLabel } from './corpus';

export interface Corrections {
  /** correctionKey(text) -> the label analysts gave it. */
  byText: Map<string, SentimentClass>;
  key: (text: string) => string;
  /** The adapted weights, or null when there are no corrections (the base model is used). */
  weights: Float32Array | null;
  bias: Float64Array | null;
  size: number;
}

const URL_RE = /https?:\/\/\S+/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Text as corrections are matched: lower-case words, links dropped. @example correctionKey('SICK!! http://x.co') // 'sick' */
export function correctionKey(text: string): string {
  return text.toLowerCase().replace(URL_RE, ' ').replace(NON_WORD, ' ').trim();
}

const PASSES = 30;
const LEARNING_RATE = 0.5;
/** Stop nudging an example once it reads as labelled and its class has this probability. */
const MARGIN = 0.6;

export function buildCorrections(
  examples: ReadonlyArray<{ text: string; label: string }>,
  model: Model,
  features: (p: Prepared) => FeatureBuffer,
): Corrections {
  const byText = new Map<string, SentimentClass>();
  const rows: Array<{ y: number; idx: Int32Array; val: Float32Array; reading: RulesReading }> = [];
  for (const e of examples) {
    const label = toLabel(typeof e.label === 'string' ? e.label : undefined);
    if (!label || typeof e.text !== 'string') continue;
    const text = cleanText(e.text);
    byText.set(correctionKey(text), label);
    const p = prepare(text);
    const buf = features(p);
    rows.push({ y: CLASSES.indexOf(label), idx: buf.idx.slice(0, buf.n), val: buf.val.slice(0, buf.n), reading: readingOf(p.rules) });
  }
  if (rows.length === 0) return { byText, key: correctionKey, weights: null, bias: null, size: 0 };
  const w = new Float32Array(model.weights);
  const b = Float64Array.from(model.bias);
  const z = new Float64Array(3);
  for (let pass = 0; pass < PASSES; pass++) {
    let moved = false;
    for (const r of rows) {
      for (let c = 0; c < 3; c++) {
        let s = b[c]!;
        for (let k = 0; k < r.idx.length; k++) s += w[r.idx[k]! * 3 + c]! * r.val[k]!;
        z[c] = s;
      }
      const m = Math.max(z[0]!, z[1]!, z[2]!);
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += (z[c] = Math.exp(z[c]! - m));
      const reads = decide(z[0]! / sum, z[1]! / sum, z[2]! / sum, r.reading, model);
      if (reads === r.y && z[r.y]! / sum >= MARGIN) continue;
      moved = true;
      for (let c = 0; c < 3; c++) {
        const g = z[c]! / sum - (c === r.y ? 1 : 0);
        for (let k = 0; k < r.idx.length; k++) w[r.idx[k]! * 3 + c]! -= LEARNING_RATE * g * r.val[k]!;
      }
    }
    if (!moved) break;
  }
  return { byText, key: correctionKey, weights: w, bias: b, size: rows.length };
}

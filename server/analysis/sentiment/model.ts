/**
 * The learned layer: a multinomial logistic regression over the features of `features.ts`.
 * Its weights live in `model/sentiment-model.json`, written by `npm run train:sentiment`: the
 * hashed weights quantized to int8 (base64), the dense ones and the biases as numbers, and the
 * extra lexicons the features read.
 */
import type { Decision } from './decision';
import { DENSE, type ExtraLexicon, type FeatureBuffer } from './features';

export const CLASSES = ['negative', 'neutral', 'positive'] as const;
export type SentimentClass = (typeof CLASSES)[number];

export interface ModelFile {
  version: 1;
  bits: number;
  /** Hashed weights, class-major within a feature ([f*3 + c]), int8 in base64; multiply by `scale`. */
  hashed: string;
  scale: number;
  /** Dense feature weights, [k*3 + c]. */
  dense: number[];
  bias: number[];
  /** word -> [SentiCon, Pattern, VADER / 4] polarity. */
  lexicon: Record<string, [number, number, number]>;
  /** How the final score mixes the two layers: score = rules * w + (p+ - p-) * (1 - w). */
  rulesWeight: number;
  /** The label is argmax(log p + offsets ± gamma * rules compound), tuned for macro-averaged recall. */
  offsets: number[];
  gamma: number;
  /** How far p+ - p- must lean to a side for its label: weak evidence reads as neutral. */
  lean: number;
  /** The lean needed where the rules find nothing (see decision.ts). */
  silentLean: number;
  trainedOn: string[];
  seed: number;
}

export interface Model extends Decision {
  bits: number;
  /** [f*3 + c] over 2^bits hashed features then the dense ones. */
  weights: Float32Array;
  bias: Float64Array;
  extra: ExtraLexicon;
  rulesWeight: number;
  offsets: Float64Array;
}

export function decodeModel(file: ModelFile): Model {
  const size = 1 << file.bits;
  const weights = new Float32Array((size + DENSE.length) * 3);
  const bin = atob(file.hashed);
  for (let i = 0; i < bin.length && i < size * 3; i++) {
    const b = bin.charCodeAt(i);
    weights[i] = (b > 127 ? b - 256 : b) * file.scale;
  }
  for (let i = 0; i < file.dense.length && i < DENSE.length * 3; i++) weights[size * 3 + i] = file.dense[i]!;
  const extra: ExtraLexicon = new Map();
  for (const w in file.lexicon) {
    const e = file.lexicon[w]!;
    extra.set(w, [e[0], e[1], e[2] ?? 0]);
  }
  return {
    bits: file.bits,
    weights,
    bias: Float64Array.from(file.bias),
    extra,
    rulesWeight: file.rulesWeight,
    offsets: Float64Array.from(file.offsets),
    gamma: file.gamma,
    lean: file.lean,
    silentLean: file.silentLean,
  };
}

/** Quantizes float weights for the model file: int8 per hashed weight with one scale. */
export function encodeHashed(weights: Float32Array, bits: number): { hashed: string; scale: number } {
  const n = (1 << bits) * 3;
  const mags = Array.from(weights.subarray(0, n), Math.abs)
    .filter((x) => x > 0)
    .sort((a, b) => a - b);
  // The 99.99th percentile sets the scale: a handful of outliers clip rather than flatten the rest.
  const top = mags[Math.floor(mags.length * 0.9999)] ?? 1;
  const scale = top / 127;
  let bin = '';
  const chunk: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = Math.max(-127, Math.min(127, Math.round(weights[i]! / scale)));
    chunk.push(q < 0 ? q + 256 : q);
    if (chunk.length === 8192) {
      bin += String.fromCharCode(...chunk);
      chunk.length = 0;
    }
  }
  bin += String.fromCharCode(...chunk);
  return { hashed: btoa(bin), scale };
}

/** Logits of the three classes for the features in `buf`, into `out`. */
export function logits(model: Model, weights: Float32Array, buf: FeatureBuffer, out: Float64Array): void {
  let z0 = model.bias[0]!;
  let z1 = model.bias[1]!;
  let z2 = model.bias[2]!;
  const { idx, val, n } = buf;
  for (let k = 0; k < n; k++) {
    const f = idx[k]! * 3;
    const v = val[k]!;
    z0 += weights[f]! * v;
    z1 += weights[f + 1]! * v;
    z2 += weights[f + 2]! * v;
  }
  out[0] = z0;
  out[1] = z1;
  out[2] = z2;
}

/** Softmax in place. */
export function softmax(z: Float64Array): void {
  const m = Math.max(z[0]!, z[1]!, z[2]!);
  const a = Math.exp(z[0]! - m);
  const b = Math.exp(z[1]! - m);
  const c = Math.exp(z[2]! - m);
  const s = a + b + c;
  z[0] = a / s;
  z[1] = b / s;
  z[2] = c / s;
}

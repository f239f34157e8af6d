/**
 * The second stage of the learned layer. Two linear models read the same hashed features: the
 * logistic regression of `model.ts` and an NB-weighted one (one-vs-rest logistic regressions over
 * features scaled by their naive-Bayes log-count ratios, after Wang & Manning's NBSVM, folded into
 * one weight per feature and class). A small logistic regression then reads both models' log-odds
 * with counts the rules took (negations, exclamations, questions, links, caps, elongations, whether
 * they found any sentiment) and gives the probabilities the label is decided on.
 * Written by `npm run train:sentiment` to `model/sentiment-stack.json`; every part was chosen there on
 * out-of-fold predictions of the training tweets.
 */
import type { Decision, RulesReading } from './decision';
import { DENSE, type FeatureBuffer } from './features';

/**
 * The dense features the second stage reads: counts and emphasis, no valence. Given the valences
 * too (rules compound, lexicon sums), it learns to discount them, since both models already read
 * them: tweets reward that (out-of-fold AvgRec 0.684 against 0.681) but it turns the rules'
 * domain knowledge around ("support sorted my problem, impressed" read negative; the demo
 * scenario's accuracy fell from 0.91 to 0.78).
 */
const STAGE2_DENSE = ['negations', 'exclamations', 'questions', 'links', 'caps words', 'elongations'] as const;

/**
 * Products of the two models' log-odds: how far they agree, and how sure each is (the second
 * stage's only curvature).
 */
const PRODUCTS = ['lr neg*pos', 'nb neg*pos', 'lr*nb negative', 'lr*nb positive', 'lr negative^2', 'lr positive^2', 'nb negative^2', 'nb positive^2'] as const;

/** Inputs of the second stage, in order; its weights are [k*3 + c]. */
export const META = ['lr negative', 'lr positive', 'nb negative', 'nb positive', ...STAGE2_DENSE, 'rules silent', 'silent question', ...PRODUCTS] as const;

/** Where the products start among the inputs. */
export const FIRST_PRODUCT = META.indexOf(PRODUCTS[0]);

/** For each dense feature, its place among the second stage's inputs (-1: not read). */
export const SLOT = Int8Array.from(DENSE, (name) => (STAGE2_DENSE as readonly string[]).includes(name) ? META.indexOf(name as (typeof META)[number]) : -1);
const SILENT = META.indexOf('rules silent');

export interface StackFile {
  version: 1;
  bits: number;
  /** NB-weighted model: hashed weights [f*3 + c], int8 in base64, times `scale`; dense weights and biases as numbers. */
  nb: { hashed: string; scale: number; dense: number[]; bias: number[] };
  /** Second-stage logistic regression over META: weights [k*3 + c], biases. */
  meta: { weights: number[]; bias: number[] };
  /** The decision on the second stage's probabilities (decision.ts). */
  offsets: number[];
  gamma: number;
  lean: number;
  silentLean: number;
  leanPull: number;
  /** score = rules compound * w + (p+ - p-) * (1 - w), with the second stage's p. */
  rulesWeight: number;
}

/** The NB-weighted model as scored: int8 hashed weights (a third of the memory of floats, so fewer cache misses). */
export interface NbWeights {
  bits: number;
  /** [f*3 + c] over the 2^bits hashed features; multiply by nbScale. */
  nbHashed: Int8Array;
  nbScale: number;
  /** [k*3 + c] over the dense features. */
  nbDense: Float32Array;
  nbBias: Float64Array;
}

export interface Stack extends Decision, NbWeights {
  meta: Float64Array;
  metaBias: Float64Array;
  offsets: Float64Array;
  rulesWeight: number;
}

/** Int8 weights from base64, `limit` of them at most. */
export function int8Of(base64: string, limit: number): Int8Array {
  const bin = atob(base64);
  const out = new Int8Array(Math.min(bin.length, limit));
  for (let i = 0; i < out.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Int8 weights in base64 times `scale`, into `out` from index 0. */
export function decodeInt8(base64: string, scale: number, out: Float32Array, limit: number): void {
  const q = int8Of(base64, limit);
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scale;
}

export function decodeStack(file: StackFile): Stack {
  const nbDense = new Float32Array(DENSE.length * 3);
  for (let i = 0; i < file.nb.dense.length && i < nbDense.length; i++) nbDense[i] = file.nb.dense[i]!;
  return {
    bits: file.bits,
    nbHashed: int8Of(file.nb.hashed, (1 << file.bits) * 3),
    nbScale: file.nb.scale,
    nbDense,
    nbBias: Float64Array.from(file.nb.bias),
    meta: Float64Array.from(file.meta.weights),
    metaBias: Float64Array.from(file.meta.bias),
    offsets: Float64Array.from(file.offsets),
    gamma: file.gamma,
    lean: file.lean,
    silentLean: file.silentLean,
    leanPull: file.leanPull ?? 0,
    rulesWeight: file.rulesWeight,
  };
}

/**
 * The second stage's inputs for one post into `out` (length META.length): `p` the first model's
 * probabilities, `buf` the post's features (its dense values are its last DENSE.length entries).
 */
export function metaFeatures(nb: NbWeights, p: ArrayLike<number>, buf: Pick<FeatureBuffer, 'idx' | 'val' | 'n'>, reading: RulesReading, out: Float64Array): void {
  let h0 = 0;
  let h1 = 0;
  let h2 = 0;
  let m0 = nb.nbBias[0]!;
  let m1 = nb.nbBias[1]!;
  let m2 = nb.nbBias[2]!;
  const { idx, val, n } = buf;
  const w = nb.nbHashed;
  const dense = nb.nbDense;
  const d = 1 << nb.bits;
  out.fill(0);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const v = val[k]!;
    if (i < d) {
      const f = i * 3;
      h0 += w[f]! * v;
      h1 += w[f + 1]! * v;
      h2 += w[f + 2]! * v;
    } else {
      const j = i - d;
      m0 += dense[j * 3]! * v;
      m1 += dense[j * 3 + 1]! * v;
      m2 += dense[j * 3 + 2]! * v;
      if (SLOT[j]! >= 0) out[SLOT[j]!] = v;
    }
  }
  finishMeta(p, m0 + h0 * nb.nbScale, m1 + h1 * nb.nbScale, m2 + h2 * nb.nbScale, reading, out);
}

/** The rest of the second stage's inputs, once the dense ones are in `out`: both models' log-odds and the rules' silence. */
export function finishMeta(p: ArrayLike<number>, m0: number, m1: number, m2: number, reading: RulesReading, out: Float64Array): void {
  const ln = Math.log(p[0]! / p[1]!);
  const lp = Math.log(p[2]! / p[1]!);
  const nn = m0 - m1;
  const np = m2 - m1;
  out[0] = ln;
  out[1] = lp;
  out[2] = nn;
  out[3] = np;
  out[SILENT] = reading.silent ? 1 : 0;
  out[SILENT + 1] = reading.silent && reading.question ? 1 : 0;
  const q = FIRST_PRODUCT;
  out[q] = ln * lp;
  out[q + 1] = nn * np;
  out[q + 2] = ln * nn;
  out[q + 3] = lp * np;
  out[q + 4] = ln * ln;
  out[q + 5] = lp * lp;
  out[q + 6] = nn * nn;
  out[q + 7] = np * np;
}

/** The second stage's probabilities from its inputs `x`, into `out`. */
export function metaProbs(stack: Pick<Stack, 'meta' | 'metaBias'>, x: ArrayLike<number>, out: Float64Array): void {
  const w = stack.meta;
  let z0 = stack.metaBias[0]!;
  let z1 = stack.metaBias[1]!;
  let z2 = stack.metaBias[2]!;
  for (let k = 0; k < META.length; k++) {
    const v = x[k]!;
    z0 += w[k * 3]! * v;
    z1 += w[k * 3 + 1]! * v;
    z2 += w[k * 3 + 2]! * v;
  }
  const m = Math.max(z0, z1, z2);
  const a = Math.exp(z0 - m);
  const b = Math.exp(z1 - m);
  const c = Math.exp(z2 - m);
  const s = a + b + c;
  out[0] = a / s;
  out[1] = b / s;
  out[2] = c / s;
}

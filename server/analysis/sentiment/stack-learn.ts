/**
 * How the second stage (stack.ts) is fitted, for `npm run train:sentiment`: the NB-weighted model
 * over the same hashed features as the first, and the second-stage logistic regression over
 * out-of-fold predictions. I/O-free, like learn.ts.
 */
import { DENSE } from './features';
import { train, type Example, type TrainOptions } from './learn';
import { encodeHashed } from './model';
import { META, int8Of, metaFeatures, metaProbs, type NbWeights } from './stack';

/** NB-weighted model folded to one weight per feature and class, [f*3 + c], and three biases. */
export interface NbModel {
  w: Float32Array;
  b: Float64Array;
}

/**
 * Per class, the log-count ratio of each hashed feature's presence in that class against the
 * others, smoothed by `alpha` (NBSVM's r). Dense features keep a ratio of 1.
 */
function ratios(examples: Example[], bits: number, alpha: number): Float32Array {
  const size = 1 << bits;
  const counts = new Float32Array(size * 3);
  for (const e of examples) for (let k = 0; k < e.idx.length; k++) if (e.idx[k]! < size) counts[e.idx[k]! * 3 + e.y]! += 1;
  const total = [0, 0, 0];
  for (let f = 0; f < size; f++) for (let c = 0; c < 3; c++) total[c]! += counts[f * 3 + c]! + alpha;
  const all = total[0]! + total[1]! + total[2]!;
  const r = new Float32Array((size + DENSE.length) * 3).fill(1);
  for (let f = 0; f < size; f++) {
    const sum = counts[f * 3]! + counts[f * 3 + 1]! + counts[f * 3 + 2]!;
    for (let c = 0; c < 3; c++) {
      const inClass = (counts[f * 3 + c]! + alpha) / total[c]!;
      const elsewhere = (sum - counts[f * 3 + c]! + 2 * alpha) / (all - total[c]!);
      r[f * 3 + c] = Math.log(inClass / elsewhere);
    }
  }
  return r;
}

function scaledFor(examples: Example[], r: Float32Array, c: number): Example[] {
  return examples.map((e) => {
    const val = new Float32Array(e.val.length);
    for (let k = 0; k < e.idx.length; k++) val[k] = e.val[k]! * r[e.idx[k]! * 3 + c]!;
    return { ...e, val, y: e.y === c ? 2 : 0 };
  });
}

/**
 * One logistic regression per class against the rest over NB-scaled features; each one's log-odds
 * is folded back to a weight per raw feature, so scoring costs one more dot product.
 */
export function trainNb(examples: Example[], bits: number, epochs: number, opts: TrainOptions, alpha: number): NbModel {
  const dims = (1 << bits) + DENSE.length;
  const r = ratios(examples, bits, alpha);
  const w = new Float32Array(dims * 3);
  const b = new Float64Array(3);
  for (let c = 0; c < 3; c++) {
    // A two-class fit through the three-class trainer: "rest" is class 0, the class is 2.
    const m = train(scaledFor(examples, r, c), dims, epochs, { ...opts, seed: opts.seed + 17 * (c + 1) });
    for (let f = 0; f < dims; f++) w[f * 3 + c] = r[f * 3 + c]! * (m.w[f * 3 + 2]! - m.w[f * 3]!);
    b[c] = m.b[2]! - m.b[0]!;
  }
  return { w, b };
}

/** The NB model as the engine scores it: hashed weights through int8, and their base64 for the file. */
export function quantizeNb(nb: NbModel, bits: number): NbWeights & { hashed: string } {
  const { hashed, scale } = encodeHashed(nb.w, bits);
  return { bits, hashed, nbHashed: int8Of(hashed, (1 << bits) * 3), nbScale: scale, nbDense: nb.w.slice((1 << bits) * 3), nbBias: nb.b };
}

/** Second-stage inputs of each example, given the first model's probabilities. */
export function metaRows(examples: Example[], probs: Float64Array[], nb: NbWeights): Float64Array[] {
  return examples.map((e, i) => {
    const out = new Float64Array(META.length);
    metaFeatures(nb, probs[i]!, { idx: e.idx, val: e.val, n: e.idx.length }, e.reading, out);
    return out;
  });
}

/**
 * The second stage: multinomial logistic regression by full-batch Adam with L2 and balanced class
 * weights (the measure is macro recall). Small: META.length inputs.
 */
export function fitMeta(x: Float64Array[], y: ArrayLike<number>, l2: number, iterations = 300): { weights: Float64Array; bias: Float64Array } {
  const d = META.length;
  const n = x.length;
  const params = new Float64Array((d + 1) * 3);
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  const g = new Float64Array(params.length);
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) counts[y[i]!]!++;
  const classWeight = counts.map((c) => n / (3 * Math.max(1, c)));
  const model = { meta: params.subarray(0, d * 3), metaBias: params.subarray(d * 3) };
  const p = new Float64Array(3);
  for (let it = 1; it <= iterations; it++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      metaProbs(model, xi, p);
      const cw = classWeight[y[i]!]!;
      for (let c = 0; c < 3; c++) {
        const gc = (p[c]! - (c === y[i] ? 1 : 0)) * cw;
        for (let k = 0; k < d; k++) g[k * 3 + c]! += gc * xi[k]!;
        g[d * 3 + c]! += gc;
      }
    }
    for (let k = 0; k < params.length; k++) {
      const gk = g[k]! / n + (k < d * 3 ? l2 * params[k]! : 0);
      m[k] = 0.9 * m[k]! + 0.1 * gk;
      v[k] = 0.999 * v[k]! + 0.001 * gk * gk;
      params[k]! -= (0.05 * (m[k]! / (1 - 0.9 ** it))) / (Math.sqrt(v[k]! / (1 - 0.999 ** it)) + 1e-8);
    }
  }
  return { weights: Float64Array.from(model.meta), bias: Float64Array.from(model.metaBias) };
}

/** The second stage's probabilities for each row. */
export function predictMeta(model: { weights: Float64Array; bias: Float64Array }, x: Float64Array[]): Float64Array[] {
  const stack = { meta: model.weights, metaBias: model.bias };
  return x.map((row) => {
    const out = new Float64Array(3);
    metaProbs(stack, row, out);
    return out;
  });
}

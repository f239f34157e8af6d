/**
 * The second stage as the engine runs it (stack.ts): its weights loaded once from
 * `model/sentiment-stack.json`, one pass over a post's features that gives both models' logits,
 * and the call that turns the first model's probabilities into the second stage's.
 *
 * The pass reads one int8 table holding, per hashed feature, the first model's three weights then
 * the NB model's three: both sets come in one cache line. Two tables read apart cost the engine
 * about 13% more CPU per post (each read misses the cache on its own); one table, about 4%.
 */
import type { Decision, RulesReading } from './decision';
import { DENSE, type FeatureBuffer } from './features';
import modelFile from './model/sentiment-model.json' with { type: 'json' };
import stackFile from './model/sentiment-stack.json' with { type: 'json' };
import type { ModelFile } from './model';
import { META, SLOT, decodeStack, finishMeta, int8Of, metaProbs, type Stack, type StackFile } from './stack';

const STACK: Stack = decodeStack(stackFile as unknown as StackFile);
const FIRST = modelFile as unknown as ModelFile;
const SIZE = 1 << STACK.bits;
const D3 = DENSE.length * 3;
/** [f*6 + c]: the first model's weight for class c, then at +3 the NB model's. */
const TABLE = interleave(int8Of(FIRST.hashed, SIZE * 3), STACK.nbHashed);
/** The dense weights of both models, [k*6 + c] likewise. */
const DENSE_W = Float64Array.from({ length: D3 * 2 }, (_, i) => {
  const k = Math.floor(i / 6);
  const c = i % 6;
  return c < 3 ? (FIRST.dense[k * 3 + c] ?? 0) : STACK.nbDense[k * 3 + c - 3]!;
});
const X = new Float64Array(META.length);
/** NB margins of the last fusedLogits call. */
const MARGINS = new Float64Array(3);

function interleave(a: Int8Array, b: Int8Array): Int8Array {
  const out = new Int8Array(SIZE * 6);
  for (let f = 0, g = 0; f < SIZE * 3; f += 3, g += 6) {
    out[g] = a[f]!;
    out[g + 1] = a[f + 1]!;
    out[g + 2] = a[f + 2]!;
    out[g + 3] = b[f]!;
    out[g + 4] = b[f + 1]!;
    out[g + 5] = b[f + 2]!;
  }
  return out;
}

/**
 * The first model's logits for the features in `buf`, into `z` (as model.ts's `logits` with the
 * shipped weights), and the NB model's margins and the dense inputs for `secondStage`.
 */
export function fusedLogits(buf: FeatureBuffer, z: Float64Array): void {
  const { idx, val, n } = buf;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let z0 = FIRST.bias[0]!;
  let z1 = FIRST.bias[1]!;
  let z2 = FIRST.bias[2]!;
  let m0 = STACK.nbBias[0]!;
  let m1 = STACK.nbBias[1]!;
  let m2 = STACK.nbBias[2]!;
  X.fill(0);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const v = val[k]!;
    if (i < SIZE) {
      const f = i * 6;
      a0 += TABLE[f]! * v;
      a1 += TABLE[f + 1]! * v;
      a2 += TABLE[f + 2]! * v;
      b0 += TABLE[f + 3]! * v;
      b1 += TABLE[f + 4]! * v;
      b2 += TABLE[f + 5]! * v;
    } else {
      const j = i - SIZE;
      const f = j * 6;
      z0 += DENSE_W[f]! * v;
      z1 += DENSE_W[f + 1]! * v;
      z2 += DENSE_W[f + 2]! * v;
      m0 += DENSE_W[f + 3]! * v;
      m1 += DENSE_W[f + 4]! * v;
      m2 += DENSE_W[f + 5]! * v;
      if (SLOT[j]! >= 0) X[SLOT[j]!] = v;
    }
  }
  z[0] = z0 + a0 * FIRST.scale;
  z[1] = z1 + a1 * FIRST.scale;
  z[2] = z2 + a2 * FIRST.scale;
  MARGINS[0] = m0 + b0 * STACK.nbScale;
  MARGINS[1] = m1 + b1 * STACK.nbScale;
  MARGINS[2] = m2 + b2 * STACK.nbScale;
}

/** The first model's decision and mix (model.ts), for the posts the second stage leaves to it. */
const FIRST_DECISION: Decision & { rulesWeight: number } = {
  offsets: Float64Array.from(FIRST.offsets),
  gamma: FIRST.gamma,
  lean: FIRST.lean,
  silentLean: FIRST.silentLean,
  rulesWeight: FIRST.rulesWeight,
};

/**
 * Replaces the first model's probabilities `p` by the second stage's, for the post fusedLogits has
 * just read, and returns the decision and score mix tuned for them.
 *
 * An inquiry (a question in which the rules find no sentiment word nor negator: "when will my
 * delivery arrive?", "anyone else using Aero X?") keeps the first model's reading: among the
 * training tweets such questions are few (3.5%) and mostly neutral, and the second stage, which
 * weighs the NB model's word-level evidence, leans the ones about orders and products negative.
 */
export function secondStage(p: Float64Array, reading: RulesReading): Decision & { rulesWeight: number } {
  if (reading.silent && reading.question) return FIRST_DECISION;
  finishMeta(p, MARGINS[0]!, MARGINS[1]!, MARGINS[2]!, reading, X);
  metaProbs(STACK, X, p);
  return STACK;
}

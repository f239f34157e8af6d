import { describe, expect, test } from 'vitest';
import { analyze, buildCorrections } from '../../server/analysis/sentiment';
import { DENSE, createBuffer, extractFeatures } from '../../server/analysis/sentiment/features';
import { featurize, type Example } from '../../server/analysis/sentiment/learn';
import { decodeModel, logits, softmax, type ModelFile } from '../../server/analysis/sentiment/model';
import modelFile from '../../server/analysis/sentiment/model/sentiment-model.json' with { type: 'json' };
import stackFile from '../../server/analysis/sentiment/model/sentiment-stack.json' with { type: 'json' };
import { fusedLogits, secondStage } from '../../server/analysis/sentiment/second-stage';
import { cleanText, prepare } from '../../server/analysis/sentiment/prepare';
import { META, decodeStack, metaFeatures, metaProbs, type NbWeights, type StackFile } from '../../server/analysis/sentiment/stack';
import { fitMeta, metaRows, quantizeNb, trainNb } from '../../server/analysis/sentiment/stack-learn';

const BITS = 12;
const EXTRA = new Map<string, readonly [number, number, number]>([['great', [0.8, 0.8, 0.8]]]);

const rows = [
  ...['great service, thank you', 'love it, great support', 'fast refund, happy', 'great phone, works well'].map((text) => ({ text, label: 'positive' as const })),
  ...['order arrived broken', 'still waiting, no refund', 'awful support, never again', 'late again and nobody answers'].map((text) => ({ text, label: 'negative' as const })),
  ...['the store opens at nine', 'order 4471 ships tomorrow', 'anyone using the new app?', 'meeting moved to friday'].map((text) => ({ text, label: 'neutral' as const })),
];

function examples(): Example[] {
  return featurize(rows, EXTRA, BITS);
}

describe('the second stage', () => {
  test("reads the NB model's log-odds from every feature and the counts from the dense block", () => {
    const nb = quantizeNb(trainNb(examples(), BITS, 3, { lr: 0.1, l2: 1e-6, balance: 1, seed: 1, averageFrom: 0 }, 0.5), BITS);
    const p = prepare(cleanText('LATE again!!! no refund?? https://t.co/x'));
    const buf = createBuffer();
    extractFeatures(p.tokens, p.rules, EXTRA, BITS, buf);
    const x = new Float64Array(META.length);
    metaFeatures(nb, [0.2, 0.5, 0.3], buf, { compound: p.rules.compound, silent: false, question: true }, x);
    // The same sums written plainly: int8 weights times the scale, then the dense weights.
    const m = [0, 1, 2].map((c) => {
      let s = nb.nbBias[c]!;
      for (let k = 0; k < buf.n; k++) {
        const i = buf.idx[k]!;
        s += i < 1 << BITS ? nb.nbHashed[i * 3 + c]! * nb.nbScale * buf.val[k]! : nb.nbDense[(i - (1 << BITS)) * 3 + c]! * buf.val[k]!;
      }
      return s;
    });
    expect(x[META.indexOf('nb negative')]).toBeCloseTo(m[0]! - m[1]!, 5);
    expect(x[META.indexOf('nb positive')]).toBeCloseTo(m[2]! - m[1]!, 5);
    expect(x[META.indexOf('lr negative')]).toBeCloseTo(Math.log(0.2 / 0.5), 9);
    const dense = (name: (typeof DENSE)[number]) => buf.val[buf.n - DENSE.length + DENSE.indexOf(name)]!;
    expect(x[META.indexOf('exclamations')]).toBe(dense('exclamations'));
    expect(x[META.indexOf('caps words')]).toBeGreaterThan(0);
    expect(x[META.indexOf('links')]).toBe(1);
    expect(x[META.indexOf('rules silent')]).toBe(0);
  });

  test('a fitted second stage reads its training tweets the way they are labelled', () => {
    const ex = examples();
    const nb: NbWeights = quantizeNb(trainNb(ex, BITS, 5, { lr: 0.1, l2: 1e-6, balance: 1, seed: 1, averageFrom: 0 }, 0.5), BITS);
    const flat = ex.map(() => Float64Array.of(1 / 3, 1 / 3, 1 / 3));
    const x = metaRows(ex, flat, nb);
    const model = fitMeta(x, ex.map((e) => e.y), 1e-4);
    const out = new Float64Array(3);
    const right = x.filter((row, i) => {
      metaProbs({ meta: model.weights, metaBias: model.bias }, row, out);
      return out.indexOf(Math.max(...out)) === ex[i]!.y;
    }).length;
    // The first model's probabilities are uniform here: what it learns, it learns from the NB model and the counts.
    expect(right).toBeGreaterThanOrEqual(10);
  });

  test('one pass over both models gives the logits and second-stage inputs of reading each model apart', () => {
    const model = decodeModel(modelFile as unknown as ModelFile);
    const stack = decodeStack(stackFile as unknown as StackFile);
    for (const text of ['LATE again!!! no refund?? https://t.co/x', 'great support, thanks @acme 👍', 'does it ship to Canada?', '']) {
      const p = prepare(cleanText(text));
      const buf = createBuffer();
      extractFeatures(p.tokens, p.rules, model.extra, model.bits, buf);
      const apart = new Float64Array(3);
      logits(model, model.weights, buf, apart);
      const fused = new Float64Array(3);
      fusedLogits(buf, fused);
      for (let c = 0; c < 3; c++) expect(fused[c]).toBeCloseTo(apart[c]!, 4);
      softmax(apart);
      const reading = { compound: p.rules.compound, silent: false, question: p.rules.questions > 0 };
      const x = new Float64Array(META.length);
      metaFeatures(stack, apart, buf, reading, x);
      const viaFused = Float64Array.from(apart);
      secondStage(viaFused, reading);
      const viaApart = new Float64Array(3);
      metaProbs(stack, x, viaApart);
      for (let c = 0; c < 3; c++) expect(viaFused[c]).toBeCloseTo(viaApart[c]!, 4);
    }
  });

  test.each([
    ['@northwind support sorted my problem in 10 minutes, impressed', 'positive'],
    ['the support was helpful', 'positive'],
    ['order #48213 arrived cracked and support never answered', 'negative'],
    ['does @ledgerly ship to Canada?', 'neutral'],
  ])('with the second stage, "%s" reads %s', (text, expected) => {
    expect(analyze(text).label).toBe(expected);
  });

  test('an inquiry keeps the first model\'s reading, and corrections the adapted first model\'s', () => {
    for (const text of ['when will my delivery arrive?', 'anyone else using Aero X? thinking about it']) expect(analyze(text)).toEqual(analyze(text, { layers: 'linear' }));
    const overrides = buildCorrections([{ text: 'that paint job is sick', label: 'positive' }]);
    expect(analyze('this bike is sick', { overrides })).toEqual(analyze('this bike is sick', { overrides, layers: 'linear' }));
  });

  test('the second stage moves the probabilities the label is read from (the engine and the first model alone differ somewhere)', () => {
    const texts = ['great service', 'ugh, late again', 'meh', 'the app is ok i guess', 'not bad at all', 'could be worse'];
    const moved = texts.filter((t) => analyze(t).confidence !== analyze(t, { layers: 'linear' }).confidence);
    expect(moved.length).toBeGreaterThan(0);
  });
});

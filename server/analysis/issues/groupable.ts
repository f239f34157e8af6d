/** Which posts are grouped into issues: complaints and questions, by the sentiment engine's verdict. */
import type { Analysis } from '../../../shared/domain';
import { normalizeText } from './text';
import { conceptsIn, isProblem } from './vocabulary';

/**
 * A complaint, a question or an escalation, or a negative post that is not praise.
 * @example isGroupable({ ...analysis, intent: 'complaint' }) // true
 */
export function isGroupable(a: Pick<Analysis, 'intent' | 'label'>): boolean {
  if (a.intent === 'complaint' || a.intent === 'question' || a.intent === 'escalation') return true;
  return a.label === 'negative' && a.intent !== 'praise';
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

/**
 * A fallback extractor for the references that tie complaints together (lot / batch / part /
 * invoice / flight numbers), used only when the caller passes no references of its own.
 */
import type { Reference } from '../../../shared/domain';

const PATTERNS: Array<{ type: string; re: RegExp }> = [
  { type: 'batch', re: /\b(?:batch|lot)\s*(?:no\.?|number|nr\.?|#)?\s*[:#]?\s*([a-z0-9][a-z0-9-]{0,15})\b/gi },
  { type: 'part', re: /\b(?:part|p\/n|pn|sku)\s*(?:no\.?|number|nr\.?|#)?\s*[:#]?\s*([a-z0-9][a-z0-9-]{1,20})\b/gi },
  { type: 'invoice', re: /\b(?:invoice|inv)\s*(?:no\.?|number|nr\.?|#)?\s*[:#]?\s*([a-z0-9][a-z0-9-]{2,20})\b/gi },
  { type: 'order', re: /\b(?:order|po)\s*(?:no\.?|number|nr\.?|#)\s*[:#]?\s*([a-z0-9][a-z0-9-]{2,20})\b/gi },
  { type: 'flight', re: /\b(?:flight\s*)?([a-z]{2}\d{2,4})\b/gi },
];

// Words that follow "batch"/"part"/"order" in ordinary prose and are not identifiers.
const NOT_IDS = new Set(['of', 'the', 'and', 'is', 'was', 'for', 'to', 'in', 'on', 'from', 'number', 'no', 'ways', 'time', 'that', 'this', 'it']);

/**
 * References quoted in a text, normalized to lower case and de-duplicated.
 * @example extractReferences('Cracked housings again, batch 42!') // [{ type: 'batch', value: '42' }]
 */
export function extractReferences(text: string): Reference[] {
  const t = text.slice(0, 2000);
  const seen = new Set<string>();
  const out: Reference[] = [];
  for (const { type, re } of PATTERNS) {
    for (const m of t.matchAll(re)) {
      const value = (m[1] ?? '').toLowerCase();
      if (!value || NOT_IDS.has(value)) continue;
      // Identifiers carry a digit; "part of" or "lot better" do not.
      if (!/\d/.test(value)) continue;
      if (type === 'flight' && !/^flight/i.test(m[0])) continue;
      const key = `${type}:${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ type, value });
    }
  }
  return out;
}

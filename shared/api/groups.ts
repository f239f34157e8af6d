/** Saved supplier groups: a named filter of the scorecard ("all tier-1 suppliers in EMEA"). */
import { z } from 'zod';

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

export const groupFilter = z.object({
  kind: z.enum(['company', 'supplier', 'product']).nullable().default(null),
  /** Attribute equalities, all of which must hold: { tier: '1', region: 'EMEA' }. */
  // Checked on the raw JSON: a parsed record would have swallowed a "__proto__" key silently.
  attributes: z
    .unknown()
    .refine((a) => !(a && typeof a === 'object' && Object.keys(a).some((k) => RESERVED.has(k))), 'an attribute cannot be named __proto__, constructor or prototype')
    .pipe(z.record(z.string().trim().min(1).max(60), z.string().trim().max(200)).refine((a) => Object.keys(a).length <= 10, 'at most 10 attributes')),
});
export type GroupFilter = z.infer<typeof groupFilter>;

export const groupInput = z.object({ name: z.string().trim().min(1).max(80), filter: groupFilter });
export const subjectGroup = groupInput.extend({ id: z.string(), createdBy: z.string().nullable(), createdAt: z.string() });
export type SubjectGroup = z.infer<typeof subjectGroup>;
export const groupsResponse = z.object({ groups: z.array(subjectGroup) });

/** "tier=1, region=EMEA" → { tier: '1', region: 'EMEA' }; pieces without "=" are ignored. */
export function parseAttributeFilter(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    if (key && !RESERVED.has(key)) out[key] = part.slice(at + 1).trim();
  }
  return out;
}

export const formatAttributeFilter = (a: Record<string, string>) =>
  Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

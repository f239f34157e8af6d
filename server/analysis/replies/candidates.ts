/**
 * Candidate drafts: every template the case can fill, rendered, counted for the network and
 * tone-checked; the ones that fit and read well first. A template needing a value the case lacks
 * (no order quoted) is left out, with the reason, so the responder sees why it is missing.
 */
import { countFor, type Count, type Network } from './count';
import { renderTemplate, TemplateError, type ReplyTemplate, type TemplateValues } from './templates';
import { toneCheck, type ToneCheck } from './tone';

export interface Candidate {
  templateId: string;
  name: string;
  body: string;
  count: Count;
  tone: ToneCheck;
}

export interface Skipped {
  templateId: string;
  name: string;
  reason: string;
}

/** The values a template inserted, for the tone check to mask. */
export const insertedValues = (values: TemplateValues): string[] => Object.values(values).filter((v): v is string => typeof v === 'string' && v.trim() !== '');

export function candidateDrafts(templates: readonly ReplyTemplate[], values: TemplateValues, network: Network, limit?: number): { candidates: Candidate[]; skipped: Skipped[] } {
  const candidates: Candidate[] = [];
  const skipped: Skipped[] = [];
  for (const t of templates) {
    try {
      const body = renderTemplate(t.text, values);
      candidates.push({ templateId: t.id, name: t.name, body, count: countFor(network, body, limit), tone: toneCheck(body, insertedValues(values)) });
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      skipped.push({ templateId: t.id, name: t.name, reason: e.message });
    }
  }
  // Stable: among equals, the deployment's own template order stands.
  const rank = (c: Candidate) => (c.count.fits ? 0 : 2) + (c.tone.ok ? 0 : 1);
  candidates.sort((a, b) => rank(a) - rank(b));
  return { candidates, skipped };
}

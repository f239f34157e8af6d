/**
 * Domain vocabulary shared by the server and the dashboard. Schemas are the types and the checks.
 */
import { z } from 'zod';

export const sentimentLabel = z.enum(['positive', 'neutral', 'negative', 'unscored']);
export type SentimentLabel = z.infer<typeof sentimentLabel>;

export const aspect = z.enum(['delivery', 'quality', 'price', 'support', 'safety']);
export type Aspect = z.infer<typeof aspect>;

export const intent = z.enum(['complaint', 'question', 'praise', 'escalation', 'other']);
export type Intent = z.infer<typeof intent>;

export const postKind = z.enum(['original', 'reply', 'quote', 'repost']);

export const subjectKind = z.enum(['company', 'supplier', 'product']);
export type SubjectKind = z.infer<typeof subjectKind>;

/** What the sentiment engine says about one text (server/analysis/sentiment). */
export const analysis = z.object({
  /** In [-1, 1]. */
  score: z.number(),
  label: sentimentLabel,
  /** In [0, 1]. */
  confidence: z.number(),
  /** Detected or given language; a non-English post is 'unscored'. */
  lang: z.string().nullable(),
  /** The features that moved the score most, strongest first. */
  rationale: z.array(z.object({ feature: z.string(), weight: z.number() })),
  aspects: z.array(z.object({ aspect, polarity: z.number() })),
  intent,
});
export type Analysis = z.infer<typeof analysis>;

/** A reference quoted in a post: an order, invoice, PO, ticket, part, lot, flight number... */
export const reference = z.object({ type: z.string(), value: z.string() });
export type Reference = z.infer<typeof reference>;

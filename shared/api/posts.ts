import { z } from 'zod';
import { aspect, intent, postKind, reference, sentimentLabel } from '../domain';

export const postView = z.object({
  id: z.number(),
  source: z.string(),
  nativeId: z.string(),
  url: z.string().nullable(),
  author: z.object({ id: z.string(), handle: z.string().nullable(), name: z.string().nullable(), followers: z.number().nullable() }),
  createdAt: z.string(),
  text: z.string(),
  lang: z.string().nullable(),
  kind: postKind,
  sentiment: z.object({ score: z.number().nullable(), label: sentimentLabel.nullable(), confidence: z.number().nullable() }),
  aspects: z.array(z.object({ aspect, polarity: z.number() })),
  intent: intent.nullable(),
  references: z.array(reference),
  subjectIds: z.array(z.number()),
  issueIds: z.array(z.number()),
  caseIds: z.array(z.number()),
  reposts: z.number(),
  deleted: z.boolean(),
});
export type PostView = z.infer<typeof postView>;

export const mentionsQuery = z.object({
  subject: z.coerce.number().int().optional(),
  sentiment: sentimentLabel.optional(),
  source: z.string().max(100).optional(),
  lang: z.string().max(20).optional(),
  intent: intent.optional(),
  issue: z.coerce.number().int().optional(),
  hasReference: z.enum(['true', 'false']).optional(),
  q: z.string().max(200).optional(),
  includeReposts: z.enum(['true', 'false']).optional(),
  /** Keyset cursor: the `next` of the previous page. */
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type MentionsQuery = z.infer<typeof mentionsQuery>;

export const mentionsResponse = z.object({ posts: z.array(postView), next: z.string().nullable() });
export type MentionsResponse = z.infer<typeof mentionsResponse>;

export const rationaleResponse = z.object({
  id: z.number(),
  rationale: z.array(z.object({ feature: z.string(), weight: z.number() })),
  corrections: z.array(z.object({ label: z.string(), at: z.string(), userId: z.number().nullable() })),
});

export const correctionInput = z.object({ label: z.enum(['positive', 'neutral', 'negative']) });

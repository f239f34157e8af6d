/** Escalating an issue to a supplier: a supplier case with its evidence, sent by e-mail or webhook. */
import { z } from 'zod';
import { casePriority } from './cases';

export const escalationContact = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), to: z.array(z.email()).min(1).max(20) }),
  z.object({ kind: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).max(2000), secret: z.string().min(1).max(500).nullish() }),
]);

export const escalateInput = z.object({
  supplierId: z.number().int().positive(),
  contact: escalationContact,
  /** When the supplier should answer by; by default in 7 days. */
  dueAt: z.iso.datetime({ offset: true }).optional(),
  priority: casePriority.default('high'),
  note: z.string().trim().max(2000).optional(),
});

/** The evidence pack sent to the supplier (and attached as evidence.json). */
export const evidence = z.object({
  caseId: z.number(),
  supplier: z.string(),
  issue: z.object({ id: z.number(), label: z.string(), keyTerms: z.array(z.string()) }),
  counts: z.object({ posts: z.number(), distinctAuthors: z.number(), firstSeen: z.string(), lastSeen: z.string(), last7Days: z.number(), prior7Days: z.number(), trend: z.enum(['rising', 'steady', 'falling']) }),
  references: z.array(z.object({ type: z.string(), values: z.array(z.string()) })),
  posts: z.array(z.object({ text: z.string(), author: z.string().nullable(), url: z.string().nullable(), createdAt: z.string() })),
  daily: z.array(z.object({ day: z.string(), posts: z.number() })),
  dueAt: z.string().nullable(),
  note: z.string().nullable(),
});
export type Evidence = z.infer<typeof evidence>;

export const escalationView = z.object({
  caseId: z.number(),
  delivered: z.boolean(),
  receipt: z.string().nullable(),
  error: z.string().nullable(),
  evidence,
});
export type EscalationView = z.infer<typeof escalationView>;

import { z } from 'zod';
import { aspect, intent, sentimentLabel } from '../domain';
import { casePriority } from './cases';

/** Where a case goes: a queue, a person, or both. */
const destination = {
  queue: z.string().trim().min(1).max(100).nullable().default(null),
  assigneeId: z.number().int().positive().nullable().default(null),
};

/** A routing entry: the first whose criteria all hold decides the destination (no criterion: always). */
export const caseRoute = z.object({
  subjectId: z.number().int().positive().optional(),
  issueId: z.number().int().positive().optional(),
  aspect: aspect.optional(),
  ...destination,
});
export type CaseRoute = z.infer<typeof caseRoute>;

/** What makes a new post open a case; every condition given must hold. */
export const postTrigger = z.object({
  on: z.literal('post'),
  sentiment: sentimentLabel.optional(),
  intents: z.array(intent).max(5).optional(),
  /** A reference type the post must quote ('order', 'invoice', a deployment pattern's name), or 'any'. */
  reference: z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a reference type: lower-case letters, digits and _').optional(),
  /** Not written by one of the subjects' own accounts (the company, a supplier). */
  fromCustomer: z.boolean().default(false),
  subjectIds: z.array(z.number().int().positive()).max(50).optional(),
  aspects: z.array(aspect).max(5).optional(),
});

/** What makes an issue open a case: it reaches `minAuthors` distinct authors. */
export const issueTrigger = z.object({
  on: z.literal('issue'),
  minAuthors: z.number().int().min(2).max(1_000_000),
  subjectIds: z.array(z.number().int().positive()).max(50).optional(),
});

export const caseRule = z.object({
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'an id: lower-case letters, digits and -, at most 40'),
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  trigger: z.discriminatedUnion('on', [postTrigger, issueTrigger]),
  /** Absent: suggested from the posts (escalation threats urgent, negative with a reference high). */
  priority: casePriority.optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  routes: z.array(caseRoute).max(50).default([]),
  ...destination,
});
export type CaseRule = z.infer<typeof caseRule>;
export type CaseRuleInput = z.input<typeof caseRule>;

export const caseRulesBody = z
  .object({ rules: z.array(caseRule).max(100) })
  .refine((b) => new Set(b.rules.map((r) => r.id)).size === b.rules.length, { message: 'two rules have the same id', path: ['rules'] });
export const caseRulesResponse = z.object({ rules: z.array(caseRule) });

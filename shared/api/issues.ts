import { z } from 'zod';
import { reference } from '../domain';

export const issueStatus = z.enum(['new', 'watching', 'acknowledged', 'resolved']);
export type IssueStatus = z.infer<typeof issueStatus>;

export const issueView = z.object({
  id: z.number(),
  subjectId: z.number().nullable(),
  subjectName: z.string().nullable(),
  label: z.string(),
  keyTerms: z.array(z.string()),
  references: z.array(reference),
  firstSeen: z.string(),
  lastSeen: z.string(),
  posts: z.number(),
  distinctTexts: z.number(),
  distinctAuthors: z.number(),
  status: issueStatus,
  severity: z.number(),
  /** Posts per hour over the last 48 hours, oldest first (sparkline). */
  growth: z.array(z.number()),
  representativePosts: z.array(z.object({ id: z.number(), text: z.string(), createdAt: z.string(), authorHandle: z.string().nullable() })),
});
export type IssueView = z.infer<typeof issueView>;

export const issuesQuery = z.object({
  status: issueStatus.optional(),
  subject: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const issuesResponse = z.object({ issues: z.array(issueView) });

export const issuePatch = z.object({ label: z.string().trim().min(1).max(200).optional(), status: issueStatus.optional() });
export const issueMerge = z.object({ into: z.number().int().positive() });
export const issueSplit = z.object({ postIds: z.array(z.number().int().positive()).min(1).max(1000), label: z.string().trim().min(1).max(200).optional() });

import { z } from 'zod';

export const alertKind = z.enum(['volume_spike', 'negative_share', 'issue_emerging', 'issue_accelerating', 'source_silent', 'sla_breach']);
export const alertStatus = z.enum(['open', 'acknowledged', 'resolved']);
export const alertSeverity = z.enum(['info', 'warning', 'critical']);

/** Why an alert fired: everything a person needs to judge it without digging. */
export const alertWhy = z.object({
  summary: z.string(),
  observed: z.number(),
  expected: z.number(),
  since: z.string(),
  /** Observed vs expected per bucket around the alert, for the why-panel chart. */
  series: z.array(z.object({ t: z.string(), observed: z.number(), expected: z.number() })).default([]),
  topTerms: z.array(z.string()).default([]),
  postIds: z.array(z.number()).default([]),
  sources: z.record(z.string(), z.number()).default({}),
  distinctAuthors: z.number().default(0),
});
export type AlertWhy = z.infer<typeof alertWhy>;

export const alertView = z.object({
  id: z.number(),
  kind: alertKind,
  subjectId: z.number().nullable(),
  subjectName: z.string().nullable(),
  issueId: z.number().nullable(),
  issueLabel: z.string().nullable(),
  source: z.string().nullable(),
  severity: alertSeverity,
  status: alertStatus,
  observed: z.number(),
  expected: z.number(),
  windowStart: z.string(),
  windowEnd: z.string(),
  openedAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  why: alertWhy,
});
export type AlertView = z.infer<typeof alertView>;

export const alertsQuery = z.object({ status: alertStatus.optional(), subject: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const alertsResponse = z.object({ alerts: z.array(alertView) });
export const alertPatch = z.object({ status: z.enum(['acknowledged', 'resolved']) });

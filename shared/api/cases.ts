import { z } from 'zod';
import { postView } from './posts';

export const caseStatus = z.enum(['new', 'open', 'waiting_customer', 'waiting_supplier', 'resolved', 'closed']);
export const casePriority = z.enum(['low', 'normal', 'high', 'urgent']);
export const clockState = z.enum(['ok', 'warning', 'breached', 'met', 'missed']);

export const recordView = z.object({
  id: z.number(),
  type: z.string(),
  externalId: z.string(),
  status: z.string().nullable(),
  party: z.string().nullable(),
  occurredAt: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
});
export type RecordView = z.infer<typeof recordView>;

export const caseSummary = z.object({
  id: z.number(),
  kind: z.enum(['customer', 'supplier']),
  title: z.string(),
  status: caseStatus,
  priority: casePriority,
  assigneeId: z.number().nullable(),
  assigneeName: z.string().nullable(),
  queue: z.string().nullable(),
  tags: z.array(z.string()),
  subjectId: z.number().nullable(),
  subjectName: z.string().nullable(),
  issueId: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dueAt: z.string().nullable(),
  sla: z.object({
    firstResponse: z.object({ due: z.string().nullable(), at: z.string().nullable(), state: clockState }),
    resolution: z.object({ due: z.string().nullable(), at: z.string().nullable(), state: clockState }),
  }),
});
export type CaseSummary = z.infer<typeof caseSummary>;

export const caseEvent = z.object({ at: z.string(), type: z.string(), actorId: z.number().nullable(), actorName: z.string().nullable(), details: z.record(z.string(), z.unknown()) });
export type CaseEvent = z.infer<typeof caseEvent>;

export const caseDetail = caseSummary.extend({
  posts: z.array(postView),
  records: z.array(recordView),
  timeline: z.array(caseEvent),
});
export type CaseDetail = z.infer<typeof caseDetail>;

export const casesQuery = z.object({
  status: caseStatus.optional(),
  open: z.enum(['true', 'false']).optional(),
  subject: z.coerce.number().int().optional(),
  /** A user id, or `none` for the unassigned cases. */
  assignee: z.union([z.literal('none'), z.coerce.number().int()]).optional(),
  kind: z.enum(['customer', 'supplier']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const casesResponse = z.object({ cases: z.array(caseSummary) });

/** The people a case (or a case rule) can be assigned to: active staff who work cases. */
export const assigneesResponse = z.object({ people: z.array(z.object({ id: z.number(), name: z.string(), role: z.string() })) });
export type Assignee = z.infer<typeof assigneesResponse>['people'][number];

export const caseCreate = z
  .object({
    postIds: z.array(z.number().int().positive()).max(200).default([]),
    issueId: z.number().int().positive().optional(),
    title: z.string().trim().min(1).max(300).optional(),
    priority: casePriority.optional(),
    assigneeId: z.number().int().positive().optional(),
    queue: z.string().trim().max(100).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
    kind: z.enum(['customer', 'supplier']).default('customer'),
  })
  .refine((c) => c.postIds.length > 0 || c.issueId !== undefined, { message: 'a case starts from at least one post or an issue' });

export const casePatch = z.object({
  status: caseStatus.optional(),
  priority: casePriority.optional(),
  assigneeId: z.number().int().positive().nullable().optional(),
  queue: z.string().trim().max(100).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
});

export const caseNote = z.object({ text: z.string().trim().min(1).max(10_000) });

const clockMetrics = z.object({ met: z.number(), missed: z.number(), breachedOpen: z.number(), attainment: z.number().nullable(), medianMin: z.number().nullable(), p90Min: z.number().nullable() });
/** One row of a breakdown: the cases of a subject, an issue or an agent (id null: none). */
export const groupMetrics = z.object({ id: z.number().nullable(), name: z.string().nullable(), total: z.number(), open: z.number(), firstResponse: clockMetrics, resolution: clockMetrics });
export type GroupMetrics = z.infer<typeof groupMetrics>;

export const caseMetrics = z.object({
  /** The range the metrics cover: open cases, and every case opened in the last `days`. */
  days: z.number(),
  open: z.number(),
  openByAge: z.array(z.object({ bucket: z.string(), count: z.number() })),
  firstResponse: z.object({ met: z.number(), missed: z.number(), breachedOpen: z.number(), attainment: z.number().nullable(), medianMin: z.number().nullable(), p90Min: z.number().nullable() }),
  resolution: z.object({ met: z.number(), missed: z.number(), breachedOpen: z.number(), attainment: z.number().nullable(), medianMin: z.number().nullable(), p90Min: z.number().nullable() }),
  bySubject: z.array(z.object({ subjectId: z.number().nullable(), name: z.string().nullable(), open: z.number(), breached: z.number() })),
  byAssignee: z.array(z.object({ assigneeId: z.number().nullable(), open: z.number(), resolved: z.number(), medianResolutionMin: z.number().nullable() })),
  breakdown: z.object({ subject: z.array(groupMetrics), issue: z.array(groupMetrics), agent: z.array(groupMetrics) }),
});
export type CaseMetrics = z.infer<typeof caseMetrics>;

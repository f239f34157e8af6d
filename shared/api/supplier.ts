/**
 * What a supplier's own account sees: the supplier cases addressed to its supplier and their
 * evidence, without the company's internals (assignees, queues, internal notes, other subjects).
 */
import { z } from 'zod';
import { casePriority, caseStatus, recordView } from './cases';
import { postView } from './posts';

export const supplierCaseSummary = z.object({
  id: z.number(),
  title: z.string(),
  status: caseStatus,
  priority: casePriority,
  supplierName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dueAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});
export type SupplierCaseSummary = z.infer<typeof supplierCaseSummary>;

/** Evidence posts without the ids of the company's other subjects and issues. */
export const supplierEvidencePost = postView.omit({ subjectIds: true, issueIds: true, caseIds: true });

/** Only the events a supplier is meant to follow; an internal note never appears. */
export const supplierEventTypes = ['created', 'escalated', 'status', 'responded', 'acknowledged'] as const;
export const supplierCaseEvent = z.object({ at: z.string(), type: z.enum(supplierEventTypes), status: caseStatus.nullable(), message: z.string().nullable() });

export const supplierCaseDetail = supplierCaseSummary.extend({
  posts: z.array(supplierEvidencePost),
  records: z.array(recordView),
  timeline: z.array(supplierCaseEvent),
});
export type SupplierCaseDetail = z.infer<typeof supplierCaseDetail>;

export const supplierCasesResponse = z.object({ cases: z.array(supplierCaseSummary) });

/** The supplier's acknowledgement, with an optional message for the quality team. */
export const supplierAcknowledge = z.object({ message: z.string().trim().max(2000).optional() }).strict();

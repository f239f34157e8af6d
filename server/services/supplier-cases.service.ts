/**
 * The supplier portal: a supplier's own account sees the supplier cases addressed to its supplier
 * (kind 'supplier', subject = its supplier subject) and their evidence. Scoping happens here, on the
 * server, for every read and write; a case of another supplier is "not found", not "forbidden", so
 * its existence is not theirs to learn either.
 */
import type { Kysely } from 'kysely';
import type { CaseDetail } from '../../shared/api/cases';
import type { SupplierCaseDetail, SupplierCaseSummary } from '../../shared/api/supplier';
import { addCaseEvent, getCase, listCases, updateCase, type CaseRow } from '../db/repositories/cases.repository';
import { latestAcknowledgements, SUPPLIER_ACK_EVENT } from '../db/repositories/supplier-cases.repository';
import type { Database } from '../db/tables';
import { notFound } from '../http/errors';
import { caseDetail } from './cases.service';

const CASE_LIMIT = 500;

function toSupplierSummary(r: CaseRow, acknowledgedAt: Date | null): SupplierCaseSummary {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    priority: r.priority,
    supplierName: r.subject_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    dueAt: r.due_at?.toISOString() ?? null,
    acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
  };
}

export async function listSupplierCases(db: Kysely<Database>, supplierId: number): Promise<SupplierCaseSummary[]> {
  const rows = await listCases(db, { kind: 'supplier', subjectId: supplierId, limit: CASE_LIMIT });
  const acks = await latestAcknowledgements(db, rows.map((r) => r.id));
  return rows.map((r) => toSupplierSummary(r, acks.get(r.id) ?? null));
}

/** The case when it is addressed to this supplier; otherwise 404. */
async function ownCase(db: Kysely<Database>, supplierId: number, id: number): Promise<CaseRow> {
  const row = await getCase(db, id);
  if (!row || row.kind !== 'supplier' || row.subject_id !== supplierId) throw notFound('Case');
  return row;
}

/** Keeps the events meant for the supplier: creation, escalation, status changes, responses, acknowledgements. */
export function supplierTimeline(events: CaseDetail['timeline']): SupplierCaseDetail['timeline'] {
  const out: SupplierCaseDetail['timeline'] = [];
  for (const e of events) {
    const status = typeof e.details.status === 'string' ? (e.details.status as SupplierCaseDetail['status']) : null;
    if (e.type === 'created') out.push({ at: e.at, type: 'created', status: null, message: null });
    // Sent to the supplier: the fact, not the company's routing details (addresses, receipts).
    else if (e.type === 'escalated') out.push({ at: e.at, type: 'escalated', status: null, message: null });
    else if (e.type === 'updated' && status) out.push({ at: e.at, type: 'status', status, message: null });
    else if (e.type === 'responded') out.push({ at: e.at, type: 'responded', status: null, message: null });
    else if (e.type === SUPPLIER_ACK_EVENT) out.push({ at: e.at, type: 'acknowledged', status: null, message: typeof e.details.message === 'string' ? e.details.message : null });
  }
  return out;
}

export async function supplierCaseDetail(db: Kysely<Database>, supplierId: number, id: number, now: Date): Promise<SupplierCaseDetail> {
  const row = await ownCase(db, supplierId, id);
  const detail = await caseDetail(db, id, now);
  const timeline = supplierTimeline(detail.timeline);
  const acked = timeline.filter((e) => e.type === 'acknowledged').at(-1);
  return {
    ...toSupplierSummary(row, acked ? new Date(acked.at) : null),
    posts: detail.posts.map(({ subjectIds: _s, issueIds: _i, caseIds: _c, ...post }) => post),
    records: detail.records,
    timeline,
  };
}

/** Records the supplier's acknowledgement on the case's timeline. */
export async function acknowledgeSupplierCase(db: Kysely<Database>, supplierId: number, id: number, userId: number, message: string | null, now: Date): Promise<void> {
  await ownCase(db, supplierId, id);
  await db.transaction().execute(async (trx) => {
    await addCaseEvent(trx, id, SUPPLIER_ACK_EVENT, userId, message ? { message } : {}, now);
    await updateCase(trx, id, { updated_at: now });
  });
}

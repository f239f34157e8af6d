/**
 * Escalating an issue to its supplier: a supplier case (non-conformance) holding the issue's
 * representative posts, with the supplier as its subject (so the supplier's own portal shows it
 * and records their acknowledgement), a due date, and the evidence pack sent to the supplier
 * contact. The case is created whatever happens to the delivery; a failed delivery is on its
 * timeline with the reason, so nobody believes the supplier was told when they were not.
 */
import type { Kysely } from 'kysely';
import type { EscalationView } from '../../shared/api/escalations';
import { buildEvidence } from '../analysis/escalation/evidence';
import { audit } from '../auth/audit';
import { addCaseEvent, updateCase } from '../db/repositories/cases.repository';
import { evidencePosts, issueDailyCounts } from '../db/repositories/escalations.repository';
import { getIssue } from '../db/repositories/issues.repository';
import type { CasePriority, Database } from '../db/tables';
import { AppError, notFound } from '../http/errors';
import type { Mailer } from '../notify/email.notifier';
import { createCase } from '../services/cases.service';
import { deliverEscalation, EscalationDeliveryError, type Contact } from './channels';

export interface EscalateInput {
  supplierId: number;
  contact: Contact;
  dueAt?: string;
  priority: CasePriority;
  note?: string;
}

const WEEK = 7 * 86_400_000;

export async function escalateIssue(deps: { db: Kysely<Database>; mailer: Mailer | null; now: () => Date }, issueId: number, input: EscalateInput, actor: { id: number; ip?: string | null }): Promise<EscalationView> {
  const { db } = deps;
  const now = deps.now();
  const issue = await getIssue(db, issueId);
  if (!issue) throw notFound('Issue');
  const supplier = await db.selectFrom('subjects').select(['id', 'name', 'kind']).where('id', '=', input.supplierId).executeTakeFirst();
  if (!supplier || supplier.kind !== 'supplier') throw new AppError(400, 'not_a_supplier', 'Escalations go to a subject of kind supplier.');
  if (input.contact.kind === 'email' && !deps.mailer) throw new AppError(409, 'mail_not_configured', 'E-mail is not set up on this server (SMTP_URL); use a webhook contact.');
  const dueAt = input.dueAt ? new Date(input.dueAt) : new Date(now.getTime() + WEEK);
  const posts = await evidencePosts(db, issueId, issue.representative_post_ids, 10);

  const caseId = await createCase(db, { postIds: posts.map((p) => p.id), issueId, title: `Non-conformance: ${issue.label}`.slice(0, 300), priority: input.priority, tags: ['escalation'], kind: 'supplier' }, actor.id, now);
  await updateCase(db, caseId, { subject_id: supplier.id, status: 'waiting_supplier', due_at: dueAt, updated_at: now });

  const evidence = buildEvidence({
    caseId,
    supplier: supplier.name,
    issue: { id: issue.id, label: issue.label, keyTerms: issue.key_terms, refs: issue.refs, firstSeen: issue.first_seen, lastSeen: issue.last_seen, posts: issue.posts, distinctAuthors: issue.distinct_authors },
    posts: posts.map((p) => ({ id: p.id, text: p.text, author: p.author_handle ?? p.author_id, url: p.url, createdAt: p.created_at, refs: p.refs })),
    daily: await issueDailyCounts(db, issueId, new Date(now.getTime() - 4 * WEEK)),
    dueAt,
    note: input.note ?? null,
    now,
  });
  const to = input.contact.kind === 'email' ? input.contact.to.join(', ') : new URL(input.contact.url).host;
  await addCaseEvent(db, caseId, 'escalated', actor.id, { supplier: supplier.name, via: input.contact.kind, to, dueAt: dueAt.toISOString(), posts: evidence.posts.length, references: evidence.references }, now);
  await audit(db, { actorId: actor.id, action: 'supplier.escalated', target: { type: 'case', id: caseId }, details: { issueId, supplierId: supplier.id, via: input.contact.kind, to }, ip: actor.ip ?? null, at: now });

  let receipt: string | null = null;
  let error: string | null = null;
  try {
    receipt = await deliverEscalation(input.contact, evidence, { mailer: deps.mailer, now: deps.now });
    await addCaseEvent(db, caseId, 'escalation.delivered', actor.id, { receipt }, deps.now());
  } catch (e) {
    if (!(e instanceof EscalationDeliveryError)) throw e;
    error = e.message;
    await addCaseEvent(db, caseId, 'escalation.failed', actor.id, { error }, deps.now());
  }
  return { caseId, delivered: error === null, receipt, error, evidence };
}

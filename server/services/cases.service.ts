/**
 * Cases: a post, several posts or an issue becomes a case with SLA clocks; the references its posts
 * quote link the matching records (orders, invoices...); everything that happens lands on its timeline.
 */
import type { Kysely } from 'kysely';
import type { CaseDetail, CaseMetrics, CaseSummary } from '../../shared/api/cases';
import { clockStats, metricsBy } from '../analysis/case-metrics';
import { clockState, dueTimes, durationStats, type Priority } from '../analysis/sla';
import { slaConditionKey } from '../analysis/sla-breach';
import { resolveOpenAlert } from '../db/repositories/alerts.repository';
import * as cases from '../db/repositories/cases.repository';
import { getIssue } from '../db/repositories/issues.repository';
import { listMentions } from '../db/repositories/mentions.repository';
import { findRecordsByValues } from '../db/repositories/records.repository';
import { assignableIds } from '../db/repositories/users.repository';
import type { CaseStatus, Database } from '../db/tables';
import { AppError, notFound } from '../http/errors';
import { toPostView } from './mentions.service';

type Row = NonNullable<Awaited<ReturnType<typeof cases.getCase>>>;

export interface CreateCase {
  postIds: number[];
  issueId?: number;
  title?: string;
  priority?: Priority;
  assigneeId?: number;
  queue?: string;
  tags: string[];
  kind: 'customer' | 'supplier';
}

/** Priority when none is given: threats to escalate are urgent, negative posts quoting a reference are high. */
export function suggestPriority(posts: Array<{ sentiment_label: string | null; intent: string | null; refs: unknown[] }>): Priority {
  if (posts.some((p) => p.intent === 'escalation')) return 'urgent';
  if (posts.some((p) => p.sentiment_label === 'negative' && p.refs.length > 0)) return 'high';
  return 'normal';
}

export async function createCase(db: Kysely<Database>, input: CreateCase, actorId: number | null, now: Date): Promise<number> {
  return db.transaction().execute((trx) => createCaseIn(trx, input, actorId, now));
}

/** Refuses ids that name nobody a case can go to (unknown, disabled, a viewer or a supplier). */
export async function assertAssignable(db: Kysely<Database>, ids: ReadonlyArray<number | null | undefined>): Promise<void> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number'))];
  const ok = await assignableIds(db, wanted);
  const refused = wanted.filter((id) => !ok.has(id));
  if (refused.length) throw new AppError(400, 'unknown_assignee', `No active staff member has the id ${refused[0]}; assign the case to someone in the assignee list, or to a queue.`, { userIds: refused });
}

/** createCase inside the caller's transaction (the derive step opens cases by rule in its own). */
export async function createCaseIn(trx: Kysely<Database>, input: CreateCase, actorId: number | null, now: Date): Promise<number> {
  await assertAssignable(trx, [input.assigneeId]);
  const posts = input.postIds.length ? await trx.selectFrom('posts').selectAll().where('id', 'in', input.postIds).execute() : [];
  if (posts.length !== new Set(input.postIds).size) throw new AppError(404, 'not_found', 'Some of the posts do not exist.');
  const issue = input.issueId !== undefined ? await getIssue(trx, input.issueId) : undefined;
  if (input.issueId !== undefined && !issue) throw notFound('Issue');
  const subject = posts.length
    ? await trx.selectFrom('post_subjects').select('subject_id').where('post_id', 'in', posts.map((p) => p.id)).orderBy('subject_id').executeTakeFirst()
    : undefined;
  const priority = input.priority ?? suggestPriority(posts);
  const due = dueTimes(priority, now);
  const title = input.title ?? issue?.label ?? truncate(posts[0]!.text, 120);
  const { id } = await cases.insertCase(trx, {
    kind: input.kind,
    title,
    subject_id: issue?.subject_id ?? subject?.subject_id ?? null,
    issue_id: issue?.id ?? null,
    priority,
    assignee_id: input.assigneeId ?? null,
    queue: input.queue ?? null,
    tags: JSON.stringify(input.tags),
    first_response_due: due.firstResponseDue,
    resolution_due: due.resolutionDue,
    created_by: actorId,
    created_at: now,
    updated_at: now,
  });
  const references = posts.flatMap((p) => p.refs.map((r) => r.value));
  const records = await findRecordsByValues(trx, references);
  await cases.linkCase(trx, id, { postIds: posts.map((p) => p.id), recordIds: records.map((r) => r.id) });
  await cases.addCaseEvent(trx, id, 'created', actorId, { priority, posts: posts.map((p) => p.id), issueId: issue?.id ?? null, records: records.map((r) => `${r.type} ${r.external_id}`) }, now);
  return id;
}

export async function caseDetail(db: Kysely<Database>, id: number, now: Date): Promise<CaseDetail> {
  const row = await cases.getCase(db, id);
  if (!row) throw notFound('Case');
  const links = await cases.caseLinks(db, id);
  const postIds = links.flatMap((l) => (l.post_id === null ? [] : [l.post_id]));
  const recordIds = links.flatMap((l) => (l.record_id === null ? [] : [l.record_id]));
  const [posts, records, events] = await Promise.all([
    postIds.length ? listMentionsByIds(db, postIds) : [],
    recordIds.length ? db.selectFrom('records').selectAll().where('id', 'in', recordIds).execute() : [],
    cases.caseEvents(db, id),
  ]);
  return {
    ...toSummary(row, now),
    posts: posts.map(toPostView),
    records: records.map((r) => ({ id: r.id, type: r.type, externalId: r.external_id, status: r.status, party: r.party, occurredAt: r.occurred_at?.toISOString() ?? null, fields: r.fields })),
    timeline: events.map((e) => ({ at: e.at.toISOString(), type: e.type, actorId: e.actor_id, actorName: e.actor_name, details: e.details })),
  };
}

async function listMentionsByIds(db: Kysely<Database>, ids: number[]) {
  // Reuses the mention query (subjects, issues, repost counts), reposts included, oldest first.
  const rows = await listMentions(db, { includeReposts: true, limit: 1000, ids });
  return rows.reverse();
}

export function toSummary(r: Row, now: Date): CaseSummary {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    status: r.status,
    priority: r.priority,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    queue: r.queue,
    tags: r.tags,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    issueId: r.issue_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    dueAt: r.due_at?.toISOString() ?? null,
    sla: {
      firstResponse: clock(r.created_at, r.first_response_due, r.first_responded_at, now),
      resolution: clock(r.created_at, r.resolution_due, r.resolved_at, now),
    },
  };
}

function clock(openedAt: Date, due: Date | null, at: Date | null, now: Date) {
  return { due: due?.toISOString() ?? null, at: at?.toISOString() ?? null, state: due ? clockState(openedAt, due, at, now) : ('ok' as const) };
}

export async function patchCase(
  db: Kysely<Database>,
  id: number,
  patch: { status?: CaseStatus; priority?: Priority; assigneeId?: number | null; queue?: string | null; tags?: string[] },
  actorId: number | null,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await cases.getCase(trx, id);
    if (!current) throw notFound('Case');
    await assertAssignable(trx, [patch.assigneeId]);
    const resolved = patch.status === 'resolved' || patch.status === 'closed';
    const reopened = patch.status !== undefined && !resolved && current.resolved_at !== null;
    const due = patch.priority && patch.priority !== current.priority ? dueTimes(patch.priority, current.created_at) : null;
    await cases.updateCase(trx, id, {
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.priority ? { priority: patch.priority } : {}),
      ...(patch.assigneeId !== undefined ? { assignee_id: patch.assigneeId } : {}),
      ...(patch.queue !== undefined ? { queue: patch.queue } : {}),
      ...(patch.tags ? { tags: JSON.stringify(patch.tags) } : {}),
      ...(resolved && !current.resolved_at ? { resolved_at: now } : {}),
      ...(reopened ? { resolved_at: null } : {}),
      ...(due ? { first_response_due: due.firstResponseDue, resolution_due: due.resolutionDue } : {}),
      updated_at: now,
    });
    await cases.addCaseEvent(trx, id, 'updated', actorId, { ...patch }, now);
    // A resolved or closed case stops both clocks: their breach alerts are settled with it.
    if (resolved) for (const clock of ['first_response', 'resolution'] as const) await resolveOpenAlert(trx, slaConditionKey(id, clock), now);
  });
}

/** Records the first response (a reply sent, or a response made outside Earshot). */
export async function markResponded(db: Kysely<Database>, id: number, actorId: number | null, how: string, now: Date): Promise<void> {
  const current = await cases.getCase(db, id);
  if (!current) throw notFound('Case');
  if (!current.first_responded_at) await cases.updateCase(db, id, { first_responded_at: now, status: current.status === 'new' ? 'open' : current.status, updated_at: now });
  await resolveOpenAlert(db, slaConditionKey(id, 'first_response'), now);
  await cases.addCaseEvent(db, id, 'responded', actorId, { how }, now);
}

export async function addNote(db: Kysely<Database>, id: number, text: string, actorId: number | null, now: Date): Promise<void> {
  if (!(await cases.getCase(db, id))) throw notFound('Case');
  await cases.addCaseEvent(db, id, 'note', actorId, { text }, now);
  await cases.updateCase(db, id, { updated_at: now });
}

const AGE_BUCKETS: Array<[string, number]> = [
  ['< 1 h', 3_600_000],
  ['1–4 h', 4 * 3_600_000],
  ['4–24 h', 24 * 3_600_000],
  ['1–3 d', 3 * 86_400_000],
  ['> 3 d', Infinity],
];

export async function caseMetrics(db: Kysely<Database>, since: Date, now: Date): Promise<CaseMetrics> {
  const rows = await cases.casesForMetrics(db, since);
  const isOpen = (r: (typeof rows)[number]) => !['resolved', 'closed'].includes(r.status);
  const open = rows.filter(isOpen);
  const minutes = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 60_000;
  const metric = rows.map((r) => ({
    row: r,
    open: isOpen(r),
    createdAt: r.created_at,
    firstResponseDue: r.first_response_due,
    firstRespondedAt: r.first_responded_at,
    resolutionDue: r.resolution_due,
    resolvedAt: r.resolved_at,
  }));
  const bySubject = new Map<number | null, { subjectId: number | null; name: string | null; open: number; breached: number }>();
  for (const r of open) {
    const e = bySubject.get(r.subject_id) ?? { subjectId: r.subject_id, name: r.subject_name, open: 0, breached: 0 };
    e.open++;
    if ((r.resolution_due && now > r.resolution_due) || (r.first_response_due && !r.first_responded_at && now > r.first_response_due)) e.breached++;
    bySubject.set(r.subject_id, e);
  }
  const byAssignee = new Map<number | null, { open: number; resolved: number; durations: number[] }>();
  for (const r of rows) {
    const e = byAssignee.get(r.assignee_id) ?? { open: 0, resolved: 0, durations: [] };
    if (isOpen(r)) e.open++;
    if (r.resolved_at) {
      e.resolved++;
      e.durations.push(minutes(r.created_at, r.resolved_at));
    }
    byAssignee.set(r.assignee_id, e);
  }
  return {
    days: Math.round((now.getTime() - since.getTime()) / 86_400_000),
    open: open.length,
    openByAge: AGE_BUCKETS.map(([bucket, max], i) => ({
      bucket,
      count: open.filter((r) => {
        const age = now.getTime() - r.created_at.getTime();
        return age < max && age >= (i === 0 ? 0 : AGE_BUCKETS[i - 1]![1]);
      }).length,
    })),
    firstResponse: clockStats(metric, 'firstResponse', now),
    resolution: clockStats(metric, 'resolution', now),
    bySubject: [...bySubject.values()].sort((a, b) => b.open - a.open),
    byAssignee: [...byAssignee].map(([assigneeId, e]) => ({ assigneeId, open: e.open, resolved: e.resolved, medianResolutionMin: durationStats(e.durations).median })),
    breakdown: {
      subject: metricsBy(metric, (m) => ({ id: m.row.subject_id, name: m.row.subject_name }), now),
      issue: metricsBy(metric, (m) => ({ id: m.row.issue_id, name: m.row.issue_label }), now),
      agent: metricsBy(metric, (m) => ({ id: m.row.assignee_id, name: m.row.assignee_name }), now),
    },
  };
}

function truncate(text: string, n: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= n ? flat : `${flat.slice(0, n - 1)}…`;
}

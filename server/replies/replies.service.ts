/**
 * Reply drafting and approval: a responder drafts (from a template or by hand), submits; an
 * approver approves or sends it back with a note; the deployment's rules decide which replies need
 * an approver at all. Every step lands in the audit log and on the case's timeline.
 */
import type { Kysely, Transaction } from 'kysely';
import type { ReplyView } from '../../shared/api/replies';
import { approvalNeeded, DEFAULT_APPROVAL_RULES, type ApprovalRules } from '../analysis/replies/approval';
import { insertedValues } from '../analysis/replies/candidates';
import { countFor, type Network } from '../analysis/replies/count';
import { DEFAULT_TEMPLATES, type ReplyTemplate, type TemplateValues } from '../analysis/replies/templates';
import { toneCheck } from '../analysis/replies/tone';
import { audit, type AuditAction } from '../auth/audit';
import { addCaseEvent, caseLinks, getCase } from '../db/repositories/cases.repository';
import * as replies from '../db/repositories/replies.repository';
import type { Database, ReplyRow, ReplyStatus, Role } from '../db/tables';
import { AppError, notFound } from '../http/errors';

type Db = Kysely<Database> | Transaction<Database>;

export interface Actor {
  id: number;
  name: string;
  role: Role;
  ip?: string | null;
}

export const TEMPLATES_KEY = 'replies.templates';
export const RULES_KEY = 'replies.approval';

export async function loadTemplates(db: Db): Promise<ReplyTemplate[]> {
  return (await replies.getSetting<ReplyTemplate[]>(db, TEMPLATES_KEY)) ?? DEFAULT_TEMPLATES;
}

export async function loadRules(db: Db): Promise<ApprovalRules> {
  return { ...DEFAULT_APPROVAL_RULES, ...(await replies.getSetting<Partial<ApprovalRules>>(db, RULES_KEY)) };
}

/** What a reply on a case is about: the post it answers, the template values, the network. */
export interface ReplyContext {
  caseId: number;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  issueId: number | null;
  post: { id: number; nativeId: string; url: string | null; source: string } | null;
  network: Network | null;
  values: TemplateValues;
  maxCharacters: number | null;
}

const NETWORK_KINDS = new Set(['x', 'bluesky', 'mastodon']);

/** The network a post came from: its source's kind, else what its id or link says. */
export function networkOf(post: { native_id: string; url: string | null }, sourceKind: string | null): Network | null {
  if (sourceKind && NETWORK_KINDS.has(sourceKind)) return sourceKind as Network;
  if (post.native_id.startsWith('at://')) return 'bluesky';
  const host = post.url ? (URL.canParse(post.url) ? new URL(post.url).hostname : '') : '';
  if (/(^|\.)(x|twitter)\.com$/.test(host)) return 'x';
  if (host === 'bsky.app') return 'bluesky';
  if (post.url && /\/@[^/]+\/\d+$/.test(post.url)) return 'mastodon';
  return null;
}

export async function replyContext(db: Db, caseId: number, postId: number | undefined, agentName: string | null): Promise<ReplyContext> {
  const c = await getCase(db, caseId);
  if (!c) throw notFound('Case');
  const links = await caseLinks(db, caseId);
  const postIds = links.flatMap((l) => (l.post_id === null ? [] : [l.post_id]));
  const recordIds = links.flatMap((l) => (l.record_id === null ? [] : [l.record_id]));
  if (postId !== undefined && !postIds.includes(postId)) throw new AppError(400, 'post_not_in_case', 'That post is not part of this case.');
  const targetId = postId ?? postIds[0];
  const post = targetId === undefined ? undefined : await db.selectFrom('posts').leftJoin('source_state as s', 's.id', 'posts.source').select(['posts.id', 'posts.native_id', 'posts.url', 'posts.source', 'posts.author_handle', 'posts.author_id', 'posts.refs', 's.kind as source_kind']).where('posts.id', '=', targetId).executeTakeFirst();
  const records = recordIds.length ? await db.selectFrom('records').select(['type', 'external_id']).where('id', 'in', recordIds).orderBy('id').execute() : [];
  const issue = c.issue_id === null ? undefined : await db.selectFrom('issues').select('label').where('id', '=', c.issue_id).executeTakeFirst();
  const order = records.find((r) => r.type === 'order')?.external_id ?? post?.refs.find((r) => r.type === 'order')?.value ?? null;
  const network = post ? networkOf(post, post.source_kind) : null;
  const account = network ? await replies.getReplyAccount(db, network) : undefined;
  return {
    caseId,
    priority: c.priority,
    issueId: c.issue_id,
    post: post ? { id: post.id, nativeId: post.native_id, url: post.url, source: post.source } : null,
    network,
    values: { author: post ? (post.author_handle ?? post.author_id) : null, order, issue: issue?.label ?? null, case: `#${c.id}`, subject: c.subject_name, agent: agentName },
    maxCharacters: account?.max_characters ?? null,
  };
}

export async function approvalFor(db: Db, ctx: { priority: ReplyContext['priority']; issueId: number | null }) {
  return approvalNeeded(await loadRules(db), { priority: ctx.priority, openAlerts: await replies.openAlertsForIssue(db, ctx.issueId) });
}

export function toView(r: ReplyRow, maxCharacters: number | null = null, inserted: string[] = []): ReplyView {
  const network = r.network as Network;
  return {
    id: r.id,
    caseId: r.case_id,
    postId: r.post_id,
    inReplyTo: r.in_reply_to,
    network,
    body: r.body,
    status: r.status,
    needsApproval: r.needs_approval,
    authorId: r.author_id,
    approverId: r.approver_id,
    reviewNote: r.review_note,
    sentId: r.sent_native_id,
    sentUrl: r.sent_url,
    sentAt: r.sent_at?.toISOString() ?? null,
    lastError: r.last_error,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    count: countFor(network, r.body, network === 'mastodon' ? (maxCharacters ?? undefined) : undefined),
    tone: toneCheck(r.body, inserted),
  };
}

/** Audit entry and case event of one step, in the step's transaction. */
export async function recordStep(db: Db, r: ReplyRow, action: AuditAction, actor: Actor | null, now: Date, details: Record<string, unknown> = {}): Promise<void> {
  const what = { replyId: r.id, network: r.network, status: r.status, ...details };
  await audit(db, { actorId: actor?.id ?? null, action, target: { type: 'reply', id: r.id }, details: { caseId: r.case_id, ...what }, ip: actor?.ip ?? null, at: now });
  if (r.case_id !== null) await addCaseEvent(db, r.case_id, action, actor?.id ?? null, what, now);
}

async function mustGet(db: Db, id: number): Promise<ReplyRow> {
  const r = await replies.getReply(db, id);
  if (!r) throw notFound('Reply');
  return r;
}

const wrongState = (r: ReplyRow, doing: string) => new AppError(409, 'reply_state', `This reply is ${r.status}; it cannot be ${doing} now.`, { status: r.status });

function mustFit(r: Pick<ReplyRow, 'network' | 'body'>, maxCharacters: number | null): void {
  const c = countFor(r.network as Network, r.body, r.network === 'mastodon' ? (maxCharacters ?? undefined) : undefined);
  if (!c.fits) throw new AppError(400, 'reply_too_long', c.problem ?? `The reply is ${c.length} of ${c.limit} characters as ${r.network} counts them: ${-c.remaining} too many.`, c);
}

export async function createDraft(db: Kysely<Database>, input: { caseId: number; postId?: number; network?: Network; body: string }, actor: Actor, now: Date): Promise<ReplyView> {
  return db.transaction().execute(async (trx) => {
    const ctx = await replyContext(trx, input.caseId, input.postId, actor.name);
    if (!ctx.post) throw new AppError(409, 'no_post', 'This case has no post to reply to.');
    const network = input.network ?? ctx.network;
    if (!network) throw new AppError(400, 'network_unknown', 'Which network does this post come from? Choose one for the reply.');
    const approval = await approvalFor(trx, ctx);
    const row = await replies.insertReply(trx, {
      case_id: ctx.caseId,
      post_id: ctx.post.id,
      in_reply_to: ctx.post.nativeId,
      network,
      body: input.body,
      status: 'draft',
      needs_approval: approval.required,
      author_id: actor.id,
      created_at: now,
      updated_at: now,
    });
    await recordStep(trx, row, 'reply.drafted', actor, now, { body: row.body, inReplyTo: row.in_reply_to, approvalReasons: approval.reasons });
    return toView(row, ctx.maxCharacters, insertedValues(ctx.values));
  });
}

export async function editDraft(db: Kysely<Database>, id: number, body: string, actor: Actor, now: Date): Promise<ReplyView> {
  return db.transaction().execute(async (trx) => {
    const r = await mustGet(trx, id);
    // A failed send posted nothing, so its text may change too. An edit voids the approval and the
    // idempotency key: the new text is a new reply to approve and to send.
    const editable: ReplyStatus[] = ['draft', 'rejected', 'failed'];
    if (!editable.includes(r.status)) throw wrongState(r, 'edited');
    const row = await replies.moveReply(trx, id, editable, { body, status: 'draft', approver_id: null, idempotency_key: null, sending_at: null, updated_at: now });
    if (!row) throw wrongState(await mustGet(trx, id), 'edited');
    await recordStep(trx, row, 'reply.edited', actor, now, { body });
    return toView(row);
  });
}

export async function submitReply(db: Kysely<Database>, id: number, actor: Actor, now: Date): Promise<ReplyView> {
  return db.transaction().execute(async (trx) => {
    const r = await mustGet(trx, id);
    if (r.status !== 'draft' && r.status !== 'rejected') throw wrongState(r, 'submitted');
    const ctx = await replyContext(trx, r.case_id!, r.post_id ?? undefined, null);
    mustFit(r, ctx.maxCharacters);
    const approval = await approvalFor(trx, ctx);
    // Without a rule asking for approval, submitting is the approval: the reply is ready to send.
    const row = await replies.moveReply(trx, id, ['draft', 'rejected'], { status: approval.required ? 'submitted' : 'approved', needs_approval: approval.required, updated_at: now });
    if (!row) throw wrongState(await mustGet(trx, id), 'submitted');
    await recordStep(trx, row, 'reply.submitted', actor, now, { body: row.body, approvalReasons: approval.reasons });
    return toView(row, ctx.maxCharacters, insertedValues(ctx.values));
  });
}

export async function approveReply(db: Kysely<Database>, id: number, actor: Actor, now: Date): Promise<ReplyView> {
  return db.transaction().execute(async (trx) => {
    const r = await mustGet(trx, id);
    if (r.status !== 'submitted') throw wrongState(r, 'approved');
    // Four eyes: approval means someone other than the author read it.
    if (r.author_id === actor.id) throw new AppError(403, 'own_reply', 'A reply needs approval from someone other than its author.');
    mustFit(r, (await replies.getReplyAccount(trx, r.network))?.max_characters ?? null);
    const row = await replies.moveReply(trx, id, ['submitted'], { status: 'approved', approver_id: actor.id, review_note: null, updated_at: now });
    if (!row) throw wrongState(await mustGet(trx, id), 'approved');
    await recordStep(trx, row, 'reply.approved', actor, now, { body: row.body });
    return toView(row);
  });
}

export async function sendBack(db: Kysely<Database>, id: number, note: string, actor: Actor, now: Date): Promise<ReplyView> {
  return db.transaction().execute(async (trx) => {
    const r = await mustGet(trx, id);
    if (r.status !== 'submitted') throw wrongState(r, 'sent back');
    const row = await replies.moveReply(trx, id, ['submitted'], { status: 'rejected', approver_id: actor.id, review_note: note, updated_at: now });
    if (!row) throw wrongState(await mustGet(trx, id), 'sent back');
    await recordStep(trx, row, 'reply.sent_back', actor, now, { note });
    return toView(row);
  });
}

export async function caseReplies(db: Db, caseId: number): Promise<ReplyView[]> {
  if (!(await getCase(db, caseId))) throw notFound('Case');
  const rows = await replies.repliesForCase(db, caseId);
  const accounts = new Map((await replies.listReplyAccounts(db)).map((a) => [a.network as string, a.max_characters]));
  return rows.map((r) => toView(r, accounts.get(r.network) ?? null));
}

export async function replyView(db: Db, id: number): Promise<ReplyView> {
  const r = await mustGet(db, id);
  return toView(r, (await replies.getReplyAccount(db, r.network))?.max_characters ?? null);
}

export { mustFit, mustGet, wrongState };

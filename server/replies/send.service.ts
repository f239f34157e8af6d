/**
 * Sending a reply exactly once. The order of things is the whole design:
 *  1. claim: one UPDATE moves the reply to 'sending' and fixes its idempotency key, in a
 *     transaction with its audit entry, committed BEFORE any network call. Of five concurrent
 *     requests to send one reply, one gets the row; the others see 'sending' and post nothing.
 *  2. the network call.
 *  3. settle: 'sent' with the post's id and link, or 'failed' when the network refused (nothing
 *     posted, so it may be sent again), or, when the outcome is unknown, reconcile.
 * A process that dies between 1 and 3 leaves the row in 'sending'; on start, reconcileUnsettled()
 * asks each network what became of it (see the senders for how each one can or cannot know).
 */
import type { Kysely } from 'kysely';
import type { ReplyView } from '../../shared/api/replies';
import type { Network } from '../analysis/replies/count';
import * as replies from '../db/repositories/replies.repository';
import { getConfiguredSource } from '../db/repositories/sources.repository';
import type { Database, ReplyRow, ReplyStatus } from '../db/tables';
import { AppError } from '../http/errors';
import { markResponded } from '../services/cases.service';
import type { SenderSource } from './accounts';
import { approvalFor, mustFit, mustGet, recordStep, replyContext, toView, wrongState, type Actor } from './replies.service';
import { SendError, type OutgoingReply, type Posted, type ReplySender } from './sender';

export interface SendDeps {
  db: Kysely<Database>;
  senders: SenderSource;
  now: () => Date;
}

export type SendOutcome = 'sent' | 'already_sent' | 'failed' | 'unconfirmed';

export async function sendReply(deps: SendDeps, id: number, actor: Actor): Promise<{ outcome: SendOutcome; reply: ReplyView }> {
  const { db } = deps;
  const r = await mustGet(db, id);
  if (r.status === 'sent') return { outcome: 'already_sent', reply: toView(r) };
  if (r.status === 'sending') throw new AppError(409, 'send_in_progress', 'This reply is being sent right now.');
  if (r.status === 'unconfirmed') throw new AppError(409, 'send_unconfirmed', 'An earlier send of this reply may have been posted: check the account and record what you find before sending again.');
  const ctx = await replyContext(db, r.case_id!, r.post_id ?? undefined, null);
  // An approved (or once-approved, then failed) reply is ready. A draft goes straight out only when
  // the rules, read now, ask for no approval: a case may have become urgent since it was drafted.
  let needsApproval = r.needs_approval;
  if (r.status === 'draft') {
    const approval = await approvalFor(db, ctx);
    if (approval.required) throw new AppError(409, 'needs_approval', `This reply needs an approver's yes first: ${approval.reasons.join('; ')}.`);
    needsApproval = false;
  } else if (r.status !== 'approved' && r.status !== 'failed') {
    throw r.status === 'submitted' || r.status === 'rejected' ? new AppError(409, 'needs_approval', 'This reply is waiting for an approver.') : wrongState(r, 'sent');
  }
  if (needsApproval && actor.role === 'responder') throw new AppError(403, 'forbidden', 'A reply that needed approval is sent by an approver.');
  mustFit(r, ctx.maxCharacters);
  if (!r.in_reply_to) throw new AppError(409, 'no_post', 'This reply has no post to answer.');
  const sender = await deps.senders.get(r.network as Network);
  if (!sender) throw new AppError(409, 'no_reply_account', `No ${r.network} account is set up to send replies from (Settings → Reply accounts).`);

  const now = deps.now();
  const from: ReplyStatus[] = [r.status];
  const claim = () =>
    db.transaction().execute(async (trx) => {
      const row = await replies.claimForSending(trx, id, from, sender.newKey(now), now);
      if (row) await recordStep(trx, row, 'reply.send_started', actor, now, { attempt: row.attempts, body: row.body });
      return row;
    });
  // A fresh key that happens to equal an old one (keys are unique) is drawn again, never a 500.
  let claimed: Awaited<ReturnType<typeof claim>> = undefined;
  for (let tries = 0; ; tries++) {
    try {
      claimed = await claim();
      break;
    } catch (e) {
      if (tries >= 2 || (e as { code?: unknown }).code !== '23505') throw e;
    }
  }
  if (!claimed) {
    // Another request claimed it between our read and our update.
    const current = await mustGet(db, id);
    if (current.status === 'sent') return { outcome: 'already_sent', reply: toView(current) };
    throw new AppError(409, 'send_in_progress', 'This reply is being sent right now.');
  }
  return attempt(deps, claimed, sender, actor);
}

/** What a sender needs to post the reply: its text, key, and the post it answers with its link and origin. */
async function outgoing(db: Kysely<Database>, r: ReplyRow): Promise<OutgoingReply> {
  const post = r.post_id === null ? undefined : await db.selectFrom('posts').select(['url', 'source']).where('id', '=', r.post_id).executeTakeFirst();
  const source = post ? await getConfiguredSource(db, post.source) : undefined;
  const origin = typeof source?.config.instanceUrl === 'string' ? source.config.instanceUrl : null;
  return { text: r.body, target: { nativeId: r.in_reply_to!, url: post?.url ?? null, origin }, idempotencyKey: r.idempotency_key!, startedAt: r.sending_at! };
}

async function attempt(deps: SendDeps, row: ReplyRow, sender: ReplySender, actor: Actor | null): Promise<{ outcome: SendOutcome; reply: ReplyView }> {
  const reply = await outgoing(deps.db, row);
  try {
    return await settleSent(deps, row, await sender.send(reply), actor);
  } catch (e) {
    const err = asSendError(e);
    if (err.kind === 'not_sent') return settleFailed(deps, row, err, actor);
    // It may have been posted: ask the network now, as a restart would.
    return reconcileRow(deps, row, sender, actor, err.message);
  }
}

/** Settles a send whose outcome is unknown, by the network's own means. */
async function reconcileRow(deps: SendDeps, row: ReplyRow, sender: ReplySender, actor: Actor | null, why: string): Promise<{ outcome: SendOutcome; reply: ReplyView }> {
  try {
    const reply = await outgoing(deps.db, row);
    const found = await sender.reconcile(reply, deps.now());
    if (found.state === 'posted') return await settleSent(deps, row, found.posted, actor);
    if (found.state === 'unknown') return await settleUnconfirmed(deps, row, `${why}; ${found.reason}`, actor);
    // Certainly not posted: one more attempt with the same key.
    try {
      return await settleSent(deps, row, await sender.send(reply), actor);
    } catch (e) {
      const err = asSendError(e);
      return err.kind === 'not_sent' ? await settleFailed(deps, row, err, actor) : await settleUnconfirmed(deps, row, err.message, actor);
    }
  } catch (e) {
    const err = asSendError(e);
    return err.kind === 'not_sent' ? settleFailed(deps, row, err, actor) : settleUnconfirmed(deps, row, err.message, actor);
  }
}

const asSendError = (e: unknown): SendError => (e instanceof SendError ? e : new SendError('ambiguous', null, (e as Error).message ?? String(e)));

async function settleSent(deps: SendDeps, row: ReplyRow, posted: Posted, actor: Actor | null) {
  const now = deps.now();
  const sent = await deps.db.transaction().execute(async (trx) => {
    const r = await replies.moveReply(trx, row.id, ['sending', 'unconfirmed'], { status: 'sent', sent_native_id: posted.id, sent_url: posted.url, sent_at: now, last_error: null, updated_at: now });
    if (!r) return null;
    await recordStep(trx, r, 'reply.sent', actor, now, { sentId: posted.id, url: posted.url, attempt: r.attempts });
    // A reply sent is the case's first response, for the SLA clock.
    if (r.case_id !== null) await markResponded(trx, r.case_id, actor?.id ?? null, `reply #${r.id} on ${r.network}`, now);
    return r;
  });
  return { outcome: 'sent' as const, reply: toView(sent ?? (await mustGet(deps.db, row.id))) };
}

async function settleFailed(deps: SendDeps, row: ReplyRow, err: SendError, actor: Actor | null) {
  const now = deps.now();
  const message = err.retryAfterSeconds !== null ? `${err.message}; try again in ${err.retryAfterSeconds} s` : err.message;
  const failed = await deps.db.transaction().execute(async (trx) => {
    const r = await replies.moveReply(trx, row.id, ['sending', 'unconfirmed'], { status: 'failed', last_error: message, updated_at: now });
    if (r) await recordStep(trx, r, 'reply.failed', actor, now, { error: message, httpStatus: err.status });
    return r;
  });
  return { outcome: 'failed' as const, reply: toView(failed ?? (await mustGet(deps.db, row.id))) };
}

async function settleUnconfirmed(deps: SendDeps, row: ReplyRow, reason: string, actor: Actor | null) {
  const now = deps.now();
  const r = await deps.db.transaction().execute(async (trx) => {
    const moved = await replies.moveReply(trx, row.id, ['sending'], { status: 'unconfirmed', last_error: reason, updated_at: now });
    if (moved) await recordStep(trx, moved, 'reply.unconfirmed', actor, now, { reason });
    return moved;
  });
  return { outcome: 'unconfirmed' as const, reply: toView(r ?? (await mustGet(deps.db, row.id))) };
}

/**
 * On start (and when asked): settles replies left in 'sending' by a process that died, and
 * retries the check of 'unconfirmed' ones on networks that can check. `olderThanMs` keeps a send
 * that another process has in flight right now out of it.
 */
export async function reconcileUnsettled(deps: SendDeps, olderThanMs: number): Promise<Record<SendOutcome | 'unchanged', number>> {
  const counts = { sent: 0, already_sent: 0, failed: 0, unconfirmed: 0, unchanged: 0 };
  const rows = await replies.unsettledReplies(deps.db, new Date(deps.now().getTime() - olderThanMs));
  for (const row of rows) {
    const sender = await deps.senders.get(row.network as Network);
    if (!sender) {
      if (row.status === 'sending') counts[(await settleUnconfirmed(deps, row, `no ${row.network} account is set up to check it`, null)).outcome]++;
      else counts.unchanged++;
      continue;
    }
    if (row.status === 'unconfirmed') {
      const found = await sender.reconcile(await outgoing(deps.db, row), deps.now()).catch(() => ({ state: 'unknown' as const, reason: '' }));
      if (found.state === 'posted') counts[(await settleSent(deps, row, found.posted, null)).outcome]++;
      else counts.unchanged++;
      continue;
    }
    counts[(await reconcileRow(deps, row, sender, null, 'the process stopped during the send')).outcome]++;
  }
  return counts;
}

/** A person looked at the network after an unconfirmed send and says what they found. */
export async function checkReply(deps: SendDeps, id: number, found: { posted: true; sentId: string; sentUrl?: string } | { posted: false }, actor: Actor) {
  const r = await mustGet(deps.db, id);
  if (r.status !== 'unconfirmed') throw wrongState(r, 'checked');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const patch = found.posted
      ? { status: 'sent' as const, sent_native_id: found.sentId, sent_url: found.sentUrl ?? null, sent_at: now, last_error: null, updated_at: now }
      : { status: 'failed' as const, last_error: 'checked by a person: not posted', updated_at: now };
    const row = await replies.moveReply(trx, id, ['unconfirmed'], patch);
    if (!row) throw wrongState(await mustGet(trx, id), 'checked');
    await recordStep(trx, row, 'reply.checked', actor, now, { posted: found.posted, sentId: found.posted ? found.sentId : null });
    if (found.posted && row.case_id !== null) await markResponded(trx, row.case_id, actor.id, `reply #${row.id} on ${row.network}`, now);
    return toView(row);
  });
}

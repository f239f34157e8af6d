/**
 * Replies on Mastodon: POST /api/v1/statuses with in_reply_to_id and an Idempotency-Key header.
 *
 * Exactly once: Mastodon remembers an Idempotency-Key per account for an hour and answers a repeat
 * with the status it already made. So reconciling a send whose outcome is unknown is simply the
 * same request again, with the same key, inside that hour; after it, a person checks.
 *
 * in_reply_to_id is the status id on the account's own instance: a post from the same instance
 * (what a Mastodon source of that instance ingests) has it as its native id.
 */
import type { Network } from '../analysis/replies/count';
import { randomBytes } from 'node:crypto';
import { fetchJson, httpFailure, SendError, type OutgoingReply, type Posted, type Reconciled, type ReplySender } from './sender';

/** A little under Mastodon's hour, for clocks that disagree. */
const IDEMPOTENCY_WINDOW_MS = 55 * 60_000;

export interface MastodonAccount {
  instanceUrl: string;
  accessToken: string;
  timeoutMs?: number;
}

export class MastodonSender implements ReplySender {
  readonly network: Network = 'mastodon';
  private readonly base: string;

  constructor(private readonly account: MastodonAccount) {
    this.base = account.instanceUrl.replace(/\/+$/, '');
  }

  newKey(): string {
    return `earshot-${randomBytes(16).toString('hex')}`;
  }

  async send(reply: OutgoingReply): Promise<Posted> {
    const res = await fetchJson(`${this.base}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.account.accessToken}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': reply.idempotencyKey },
      body: JSON.stringify({ status: reply.text, in_reply_to_id: reply.target.nativeId, visibility: 'public' }),
      timeoutMs: this.account.timeoutMs ?? 15_000,
    });
    if (res.status !== 200) throw httpFailure('Mastodon', res.status, res.body, res.headers);
    const s = res.body as { id?: string; url?: string | null; uri?: string };
    if (!s?.id) throw new SendError('ambiguous', res.status, 'Mastodon answered 200 without a status id');
    return { id: String(s.id), url: s.url ?? s.uri ?? null };
  }

  async reconcile(reply: OutgoingReply, now: Date): Promise<Reconciled> {
    if (now.getTime() - reply.startedAt.getTime() > IDEMPOTENCY_WINDOW_MS) {
      return { state: 'unknown', reason: 'the send started over an hour ago, past the time Mastodon remembers an Idempotency-Key: check the account' };
    }
    try {
      return { state: 'posted', posted: await this.send(reply) };
    } catch (e) {
      // Refused on the repeat: nothing was posted under this key; the caller records the failure.
      if (e instanceof SendError && e.kind === 'not_sent') throw e;
      return { state: 'unknown', reason: (e as Error).message };
    }
  }
}

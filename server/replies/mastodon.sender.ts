/**
 * Replies on Mastodon: POST /api/v1/statuses with in_reply_to_id and an Idempotency-Key header.
 *
 * Exactly once: Mastodon remembers an Idempotency-Key per account for an hour and answers a repeat
 * with the status it already made. So reconciling a send whose outcome is unknown is simply the
 * same request again, with the same key, inside that hour; after it, a person checks.
 *
 * in_reply_to_id is the status id on the ACCOUNT's instance. A post read by a Mastodon source of
 * that same instance carries it as its native id. A post read on another instance (listening on
 * mastodon.social, replying from the company's own server) has a different id there: the sender
 * looks the post's link up with GET /api/v2/search?resolve=true, which fetches it over federation,
 * and never guesses: an id from another instance could name an unrelated status on this one.
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
    const inReplyTo = await this.localStatusId(reply.target);
    const res = await fetchJson(`${this.base}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.account.accessToken}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': reply.idempotencyKey },
      body: JSON.stringify({ status: reply.text, in_reply_to_id: inReplyTo, visibility: 'public' }),
      timeoutMs: this.account.timeoutMs ?? 15_000,
    });
    if (res.status !== 200) throw httpFailure('Mastodon', res.status, res.body, res.headers);
    const s = res.body as { id?: string; url?: string | null; uri?: string };
    if (!s?.id) throw new SendError('ambiguous', res.status, 'Mastodon answered 200 without a status id');
    return { id: String(s.id), url: s.url ?? s.uri ?? null };
  }

  /** The post's status id on this account's instance (see the file comment). Nothing is posted if it cannot be found. */
  private async localStatusId(target: OutgoingReply['target']): Promise<string> {
    if (target.origin !== null && sameOrigin(target.origin, this.base)) return target.nativeId;
    const where = new URL(this.base).host;
    if (!target.url) throw new SendError('not_sent', null, `Mastodon: the post was not read from ${where} and has no link to look it up there by`);
    const query = new URLSearchParams({ q: target.url, type: 'statuses', resolve: 'true', limit: '1' });
    let found: string | undefined;
    try {
      const res = await fetchJson(`${this.base}/api/v2/search?${query}`, { headers: { authorization: `Bearer ${this.account.accessToken}`, accept: 'application/json' }, timeoutMs: this.account.timeoutMs ?? 15_000 });
      if (res.status !== 200) throw httpFailure('Mastodon search', res.status, res.body, res.headers);
      const id = (res.body as { statuses?: Array<{ id?: unknown }> } | null)?.statuses?.[0]?.id;
      found = typeof id === 'string' && /^\d+$/.test(id) ? id : undefined;
    } catch (e) {
      // Only a lookup failed: no status was posted, so this is never an ambiguous send.
      throw new LookupFailed(e instanceof SendError ? e.status : null, `Mastodon: could not look the post up on ${where}: ${(e as Error).message}`);
    }
    if (!found) throw new LookupFailed(404, `Mastodon: ${where} cannot find the post ${target.url} (deleted, private, or its server unreachable)`);
    return found;
  }

  async reconcile(reply: OutgoingReply, now: Date): Promise<Reconciled> {
    if (now.getTime() - reply.startedAt.getTime() > IDEMPOTENCY_WINDOW_MS) {
      return { state: 'unknown', reason: 'the send started over an hour ago, past the time Mastodon remembers an Idempotency-Key: check the account' };
    }
    try {
      return { state: 'posted', posted: await this.send(reply) };
    } catch (e) {
      // Refused on the repeat: nothing was posted under this key; the caller records the failure.
      // A failed lookup proves nothing about an earlier attempt with this key: a person checks.
      if (e instanceof SendError && e.kind === 'not_sent' && !(e instanceof LookupFailed)) throw e;
      return { state: 'unknown', reason: (e as Error).message };
    }
  }
}

/** The post could not be found on the account's instance: nothing was posted by this attempt. */
class LookupFailed extends SendError {
  constructor(status: number | null, message: string) {
    super('not_sent', status, message);
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

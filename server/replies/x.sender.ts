/**
 * Replies on X through twitter-api-v2's `client.v2.reply(text, inReplyToId)` (POST /2/tweets).
 *
 * Exactly once, as far as X allows: X has no idempotency key, and a lookup cannot settle an
 * unknown outcome either: finding our reply means reading the account's timeline or searching,
 * which costs read credits, needs more access than posting, and lags (a "not found" a minute
 * later is no proof it was never posted). A second public reply to an upset customer costs more
 * than a late one, so an unknown outcome is never retried automatically: the reply goes to
 * 'unconfirmed' and a person looks at the account and records what they see.
 */
import http from 'node:http';
import { ApiRequestError, ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import type { Network } from '../analysis/replies/count';
import { randomBytes } from 'node:crypto';
import { SendError, type OutgoingReply, type Posted, type Reconciled, type ReplySender } from './sender';

const REAL = 'https://api.x.com';

/** The library has no base-URL setting: a plugin rewrites each request's URL (a proxy, or the local fake). */
const baseUrlPlugin = (origin: string): ITwitterApiClientPlugin => {
  const rewrite = (p: { url: string }) => {
    if (p.url.startsWith(REAL)) p.url = origin + p.url.slice(REAL.length);
  };
  return { onBeforeRequestConfig: ({ params }) => rewrite(params), onBeforeStreamRequestConfig: ({ params }) => rewrite(params) };
};

export type XCredentials = { accessToken: string } | { appKey: string; appSecret: string; accessToken: string; accessSecret: string };

export interface XAccount {
  handle: string;
  credentials: XCredentials;
  /** Override of https://api.x.com. */
  apiBase?: string | null;
  timeoutMs?: number;
}

const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export class XSender implements ReplySender {
  readonly network: Network = 'x';
  private readonly client: TwitterApi;

  constructor(private readonly account: XAccount) {
    const origin = account.apiBase?.replace(/\/+$/, '') || null;
    const settings = origin ? { plugins: [baseUrlPlugin(origin)], httpAgent: origin.startsWith('http:') ? new http.Agent({ keepAlive: true }) : undefined } : {};
    const c = account.credentials;
    this.client = 'appKey' in c ? new TwitterApi({ appKey: c.appKey, appSecret: c.appSecret, accessToken: c.accessToken, accessSecret: c.accessSecret }, settings) : new TwitterApi(c.accessToken, settings);
  }

  newKey(): string {
    // Not sent to X (it takes none); it marks the claim in our own table.
    return `earshot-${randomBytes(16).toString('hex')}`;
  }

  async send(reply: OutgoingReply): Promise<Posted> {
    if (!/^\d{1,20}$/.test(reply.target.nativeId)) throw new SendError('not_sent', null, `not an X post id: ${reply.target.nativeId.slice(0, 40)}`);
    try {
      const res = await this.client.v2.reply(reply.text, reply.target.nativeId);
      const id = res.data.id;
      return { id, url: `https://x.com/${encodeURIComponent(this.account.handle.replace(/^@/, ''))}/status/${id}` };
    } catch (e) {
      throw toSendError(e);
    }
  }

  async reconcile(): Promise<Reconciled> {
    return { state: 'unknown', reason: 'X keeps no idempotency key and a lookup cannot prove absence: check the account for this reply, then record what you found' };
  }
}

function toSendError(e: unknown): SendError {
  if (e instanceof ApiResponseError) {
    const data = e.data as { title?: string; detail?: string; type?: string } | undefined;
    const detail = data?.detail ?? data?.title ?? e.message;
    const reset = e.rateLimit?.reset;
    const retryAfter = e.code === 429 && reset ? Math.max(0, reset - Math.floor(Date.now() / 1000)) : null;
    const what = e.code === 429 ? (data?.type?.includes('usage-capped') ? 'usage cap reached' : 'rate limited') : `answered ${e.code}`;
    // A 4xx is a refusal: nothing was posted. A 5xx may hide a post X did create.
    return new SendError(e.code >= 400 && e.code < 500 ? 'not_sent' : 'ambiguous', e.code, `X ${what} (${String(detail).slice(0, 200)})`, retryAfter);
  }
  if (e instanceof ApiRequestError) {
    // The library hides the cause in _options.error (its requestError getter is always undefined).
    const code = (e as unknown as { _options?: { error?: { code?: string } } })._options?.error?.code;
    if (code && NEVER_REACHED.has(code)) return new SendError('not_sent', null, `X could not be reached (${code})`);
    return new SendError('ambiguous', null, `X request failed mid-way (${code ?? e.message})`);
  }
  return new SendError('ambiguous', null, `X: ${(e as Error).message}`);
}

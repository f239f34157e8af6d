/**
 * A network a reply is posted to, behind one small interface: the send service claims the reply
 * (status 'sending' + idempotency key) before calling `send`, and calls `reconcile` for a send
 * whose outcome it does not know (the process died mid-call, or the call failed ambiguously).
 */
import type { Network } from '../analysis/replies/count';

export interface OutgoingReply {
  text: string;
  /**
   * The post replied to: its id on the network (X id, at:// URI, Mastodon status id), its link, and
   * the base URL of the server that id belongs to when the source that read it says (a Mastodon
   * status id is only meaningful on the instance it was read from).
   */
  target: { nativeId: string; url: string | null; origin: string | null };
  /** Written to the database before the first attempt; the same on every retry of this reply. */
  idempotencyKey: string;
  /** When the first attempt with this key started. */
  startedAt: Date;
}

export interface Posted {
  id: string;
  url: string | null;
}

export type Reconciled =
  /** The network has it. */
  | { state: 'posted'; posted: Posted }
  /** The network certainly does not have it: sending again cannot post twice. */
  | { state: 'absent' }
  /** Nobody can tell without looking: a person checks (status 'unconfirmed'). */
  | { state: 'unknown'; reason: string };

/**
 * 'not_sent': the network refused or was never reached (4xx, connection refused); nothing was
 * posted. 'ambiguous': the request may have reached the network (timeout, reset, 5xx).
 */
export class SendError extends Error {
  constructor(
    readonly kind: 'not_sent' | 'ambiguous',
    readonly status: number | null,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface ReplySender {
  readonly network: Network;
  /** A fresh idempotency key in the form this network can use. */
  newKey(now: Date): string;
  send(reply: OutgoingReply): Promise<Posted>;
  /** May throw a 'not_sent' SendError when reconciling meant asking again and the network refused. */
  reconcile(reply: OutgoingReply, now: Date): Promise<Reconciled>;
}

const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED_BEFORE_SEND']);

/** fetch with a deadline; failures become SendErrors that say whether the request may have landed. */
export async function fetchJson(url: string, init: RequestInit & { timeoutMs: number }): Promise<{ status: number; body: unknown; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (code && NEVER_REACHED.has(code)) throw new SendError('not_sent', null, `could not connect (${code})`);
    throw new SendError('ambiguous', null, `no answer: ${(e as Error).name === 'TimeoutError' ? 'timed out' : ((e as Error).message ?? 'network error')}`);
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text.slice(0, 200);
  }
  return { status: res.status, body, headers: res.headers };
}

/** A 4xx is a refusal (nothing posted); a 5xx may hide a post that was created. */
export function httpFailure(what: string, status: number, body: unknown, headers: Headers): SendError {
  const detail = describe(body);
  // Retry-After is seconds; Bluesky's ratelimit-reset is an epoch time in seconds.
  const reset = Number(headers.get('ratelimit-reset') ?? NaN);
  const retryAfter = headers.get('retry-after') !== null ? Number(headers.get('retry-after')) : Number.isFinite(reset) ? Math.max(0, Math.round(reset - Date.now() / 1000)) : NaN;
  const message = status === 429 ? `${what}: rate limited (429)${detail}` : `${what}: the network answered ${status}${detail}`;
  return new SendError(status >= 400 && status < 500 ? 'not_sent' : 'ambiguous', status, message, Number.isFinite(retryAfter) ? retryAfter : null);
}

function describe(body: unknown): string {
  if (typeof body === 'string' && body) return ` (${body.slice(0, 200)})`;
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const msg = [b.error, b.message, b.detail, b.title].find((v) => typeof v === 'string');
    if (typeof msg === 'string') return ` (${msg.slice(0, 200)})`;
  }
  return '';
}

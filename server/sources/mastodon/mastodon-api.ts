/**
 * The few Mastodon REST and streaming calls Earshot makes, with the instance's user token as a
 * Bearer header (never in a URL, never logged). Shapes: ../shared/reference/x-api-and-feeds.md (d).
 */
import { SseParser, type SseEvent } from './sse';

export class MastodonHttpError extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(status === 401 ? `${what}: the instance refused the access token (401); check it is valid and has the read:statuses scope` : `${what}: HTTP ${status}`);
  }
}

export interface MastodonClient {
  base: string;
  token: string;
}

/** Mastodon allows at most 40 statuses a page on timelines. */
export const PAGE_LIMIT = 40;

const headers = (c: MastodonClient, accept = 'application/json') => ({ authorization: `Bearer ${c.token}`, accept });

function endpoint(c: MastodonClient, path: string): URL {
  return new URL(path, c.base.endsWith('/') ? c.base : `${c.base}/`);
}

/**
 * One page of a hashtag timeline, newest first. With `minId` the page holds the statuses right
 * after it (walking forward, for gap-fill); without, the newest ones.
 */
export async function tagTimeline(c: MastodonClient, tag: string, opts: { minId: string | null; limit?: number }, signal: AbortSignal): Promise<unknown[]> {
  const url = endpoint(c, `api/v1/timelines/tag/${encodeURIComponent(tag)}`);
  url.searchParams.set('limit', String(opts.limit ?? PAGE_LIMIT));
  if (opts.minId) url.searchParams.set('min_id', opts.minId);
  const res = await fetch(url, { headers: headers(c), signal, redirect: 'error' });
  if (!res.ok) {
    await res.body?.cancel();
    throw new MastodonHttpError(res.status, `timeline #${tag}`);
  }
  const body: unknown = await res.json();
  if (!Array.isArray(body)) throw new Error(`timeline #${tag}: expected an array of statuses`);
  return body;
}

export async function verifyCredentials(c: MastodonClient, signal: AbortSignal): Promise<{ acct: string }> {
  const res = await fetch(endpoint(c, 'api/v1/accounts/verify_credentials'), { headers: headers(c), signal, redirect: 'error' });
  if (!res.ok) {
    await res.body?.cancel();
    throw new MastodonHttpError(res.status, 'verify_credentials');
  }
  const body = (await res.json()) as { acct?: unknown; username?: unknown };
  return { acct: typeof body.acct === 'string' ? body.acct : typeof body.username === 'string' ? body.username : '?' };
}

/** Opens the hashtag stream (SSE); rejects on any answer but 200 text/event-stream. */
export async function openHashtagStream(c: MastodonClient, tag: string, signal: AbortSignal): Promise<Response> {
  const url = endpoint(c, 'api/v1/streaming/hashtag');
  url.searchParams.set('tag', tag);
  const res = await fetch(url, { headers: headers(c, 'text/event-stream'), signal, redirect: 'error' });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new MastodonHttpError(res.status, `stream #${tag}`);
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) {
    await res.body.cancel();
    throw new Error(`stream #${tag}: expected text/event-stream, got ${type || 'no content type'}`);
  }
  return res;
}

/**
 * The events of an open stream until the server closes it or `signal` aborts. `onActivity` is called
 * for every chunk, heartbeats included, so the caller can tell a quiet stream from a dead one.
 */
export async function* streamEvents(res: Response, signal: AbortSignal, onActivity: () => void): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  // undici errors the body of an aborted fetch only while it still holds the Response (a WeakRef):
  // once that is collected a pending read would wait forever, so the abort cancels the read itself.
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onActivity();
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    await reader.cancel().catch(() => {});
  }
}

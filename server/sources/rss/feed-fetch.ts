/**
 * One conditional GET of a feed, bounded in time and size: a server that never answers costs at
 * most `timeoutMs`, a 50 MB body costs at most `maxBytes` (the body is streamed and the request
 * aborted past the cap, counting decompressed bytes so a gzip bomb is bounded too). Every failure
 * is a FeedFetchError with a message a person can act on.
 */
export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export interface FeedLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = { timeoutMs: 30_000, maxBytes: 5 * 1024 * 1024 };

export type FeedResponse =
  | { notModified: true; validators: FeedValidators }
  | { notModified: false; validators: FeedValidators; body: string; contentType: string | null; bytes: number };

export class FeedFetchError extends Error {}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';
const USER_AGENT = 'Earshot/0.1 (feed reader)';

export async function fetchFeed(url: string, validators: FeedValidators, limits: FeedLimits, signal?: AbortSignal): Promise<FeedResponse> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': USER_AGENT };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const failed = (error: unknown): Error => describeFailure(error, url, limits, signal, timeout);

  let response: Response;
  try {
    response = await fetch(url, { headers, signal: combined, redirect: 'follow' });
  } catch (error) {
    throw failed(error);
  }
  const next: FeedValidators = {
    etag: response.headers.get('etag') ?? (response.status === 304 ? validators.etag : null),
    lastModified: response.headers.get('last-modified') ?? (response.status === 304 ? validators.lastModified : null),
  };
  if (response.status === 304) {
    await response.body?.cancel().catch(() => {});
    return { notModified: true, validators: next };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new FeedFetchError(`the feed server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const contentType = response.headers.get('content-type');
  const declared = Number(response.headers.get('content-length'));
  // content-length is of the encoded body; only trust it to refuse early when no encoding shrinks it.
  if (!response.headers.get('content-encoding') && declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(limits, `it declares ${formatBytes(declared)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(response, limits);
  } catch (error) {
    throw error instanceof FeedFetchError ? error : failed(error);
  }
  return { notModified: false, validators: next, body: decode(bytes, contentType), contentType, bytes: bytes.byteLength };
}

async function readCapped(response: Response, limits: FeedLimits): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limits.maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limits, 'the body went past it');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Charset from the header, else a BOM, else the XML declaration, else UTF-8 (the XML default). */
export function decode(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const fromDeclaration = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  for (const label of [bomCharset(bytes), fromHeader, fromDeclaration, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // An unknown label: try the next source of truth.
    }
  }
  return new TextDecoder().decode(bytes);
}

function bomCharset(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return null;
}

function describeFailure(error: unknown, url: string, limits: FeedLimits, outer: AbortSignal | undefined, timeout: AbortSignal): Error {
  // The runner is stopping or pausing the source: hand its reason back untouched.
  if (outer?.aborted) return outer.reason instanceof Error ? outer.reason : new Error('aborted');
  if (timeout.aborted) return new FeedFetchError(`the feed server did not answer within ${formatSeconds(limits.timeoutMs)}`);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new FeedFetchError(`could not fetch the feed from ${hostOf(url)}: ${why}`);
}

function tooLarge(limits: FeedLimits, detail: string): FeedFetchError {
  return new FeedFetchError(`the feed is larger than the ${formatBytes(limits.maxBytes)} limit (${detail}); not read`);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Number((n / 1024 / 1024).toFixed(1))} MB` : `${Math.ceil(n / 1024)} KB`;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the feed URL';
  }
}

/**
 * What a failed X request means for the source, told apart by status and problem type: a rate limit
 * (wait for the reset), the monthly usage cap, a refused token, a forbidden endpoint, X being down,
 * or the network. Messages are for a person reading source health; they never include credentials.
 */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';

export type XErrorKind = 'rate-limit' | 'usage-cap' | 'auth' | 'forbidden' | 'too-many-connections' | 'no-rules' | 'unavailable' | 'invalid' | 'network';

export interface XFailure {
  kind: XErrorKind;
  message: string;
  status: number | null;
  /** When X says the rate window resets (x-rate-limit-reset), if it said. */
  resetAt: Date | null;
}

export function classifyXError(error: unknown): XFailure {
  if (error instanceof ApiResponseError) {
    const data = (typeof error.data === 'object' && error.data !== null ? error.data : {}) as { type?: string; title?: string; detail?: string; reason?: string; connection_issue?: string };
    const type = data.type ?? '';
    const resetAt = error.rateLimit?.reset ? new Date(error.rateLimit.reset * 1000) : null;
    const status = error.code;
    const detail = data.detail ?? data.title ?? `HTTP ${status}`;
    if (type.endsWith('/usage-capped') || data.title === 'UsageCapExceeded') {
      return { kind: 'usage-cap', status, resetAt, message: `X usage cap reached (${detail}); reads stop until the cap resets or the plan changes` };
    }
    if (data.connection_issue === 'TooManyConnections') {
      return { kind: 'too-many-connections', status, resetAt, message: 'X refused the stream: another connection for this app is still open (TooManyConnections)' };
    }
    if (status === 429) return { kind: 'rate-limit', status, resetAt, message: `X rate limit reached${resetAt ? `; waiting until ${resetAt.toISOString()}` : ''}` };
    if (status === 401) return { kind: 'auth', status, resetAt, message: 'X refused the bearer token (401 Unauthorized): check the token in the source settings' };
    if (status === 403) {
      const why = data.reason ? ` (${data.reason})` : '';
      return { kind: 'forbidden', status, resetAt, message: `X refused access to this endpoint${why}: the app's plan may not include it` };
    }
    if (status === 409) return { kind: 'no-rules', status, resetAt, message: 'X refused the stream: it has no rules' };
    if (status >= 500) return { kind: 'unavailable', status, resetAt, message: `X is unavailable (HTTP ${status})` };
    return { kind: 'invalid', status, resetAt, message: `X rejected the request (HTTP ${status}): ${errorsText(error) ?? detail}` };
  }
  if (error instanceof ApiPartialResponseError) return { kind: 'network', status: null, resetAt: null, message: `X's response broke off: ${error.message}` };
  if (error instanceof ApiRequestError) {
    // The library's requestError getter is always undefined (1.29.1); the cause sits in _options.
    const cause = (error as unknown as { _options?: { error?: { code?: string; message?: string } } })._options?.error;
    return { kind: 'network', status: null, resetAt: null, message: `X could not be reached: ${cause?.code ?? cause?.message ?? error.message}` };
  }
  return { kind: 'network', status: null, resetAt: null, message: error instanceof Error ? error.message : String(error) };
}

function errorsText(error: ApiResponseError): string | null {
  const list = error.errors;
  if (!list?.length) return null;
  return list.map((e) => ('message' in e ? e.message : JSON.stringify(e))).join('; ');
}

/** An error whose message is what health shows. */
export class XSourceError extends Error {
  constructor(readonly failure: XFailure) {
    super(failure.message);
    this.name = 'XSourceError';
  }
}

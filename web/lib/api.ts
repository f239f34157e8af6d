/**
 * The dashboard's only way to the server. Every response is parsed with the zod schema the server
 * answers with (shared/api), so a drift between the two fails loudly here, not somewhere in a chart.
 */
import type { z } from 'zod';
import { apiError } from '../../shared/api/errors';
import { csrfHeader, session } from './session.svelte';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

async function request<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown, signal?: AbortSignal): Promise<z.infer<T>> {
  const res = await fetch(`/api${path}`, {
    method,
    signal,
    credentials: 'same-origin',
    // Cookie-authenticated writes carry the CSRF token the session handed out.
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : csrfHeader()) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload: unknown = await res.json().catch(() => null);
  // The session ended (idle, expired, signed out elsewhere): back to the sign-in page.
  if (res.status === 401) session.expired();
  if (!res.ok) {
    const parsed = apiError.safeParse(payload);
    if (parsed.success) throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.requestId);
    throw new ApiError(res.status, 'http_error', `The server answered ${res.status}.`, null);
  }
  return schema.parse(payload);
}

export const api = {
  get: <T extends z.ZodType>(path: string, schema: T, signal?: AbortSignal) => request('GET', path, schema, undefined, signal),
  post: <T extends z.ZodType>(path: string, schema: T, body: unknown) => request('POST', path, schema, body),
  patch: <T extends z.ZodType>(path: string, schema: T, body: unknown) => request('PATCH', path, schema, body),
  put: <T extends z.ZodType>(path: string, schema: T, body: unknown) => request('PUT', path, schema, body),
  delete: <T extends z.ZodType>(path: string, schema: T) => request('DELETE', path, schema),
};

/** Builds a query string from defined values. @example query({ a: 1, b: undefined }) // '?a=1' */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

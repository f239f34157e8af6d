import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger';

/** A failure the client can act on: its status and code reach the client, its message is safe to show. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);

interface BodyParserError {
  type?: string;
  status?: number;
}

/** The one error handler: `{ error: { code, message, requestId, details? } }`, never a stack trace or SQL. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = String(req.id ?? '');
    let status = 500;
    let code = 'internal';
    let message = 'Something went wrong on our side; the request id helps find it in the log.';
    let details: unknown;
    if (err instanceof AppError) {
      ({ status, code, message, details } = err);
    } else if (err instanceof ZodError) {
      status = 400;
      code = 'invalid_request';
      message = err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      details = err.issues.map((i) => ({ path: i.path, message: i.message, code: i.code }));
    } else if (isUnstorableText(err)) {
      status = 400;
      code = 'invalid_text';
      message = 'The request contains text that cannot be stored (such as a NUL byte or half of a surrogate pair).';
    } else if (isBodyParserError(err)) {
      status = err.status ?? 400;
      code = err.type === 'entity.too.large' ? 'payload_too_large' : 'invalid_body';
      message = err.type === 'entity.too.large' ? 'The request body is too large.' : 'The request body is not valid JSON.';
    }
    if (status >= 500) logger.error({ err, requestId, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: { code, message, requestId, ...(details === undefined ? {} : { details }) } });
  };
}

// PostgreSQL refuses NUL in text (22021), untranslatable characters (22P05) and a lone surrogate's
// \ud800 escape in jsonb (22P02): the client's input, not our bug.
function isUnstorableText(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05' || code === '22P02';
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && typeof (err as BodyParserError).type === 'string' && 'status' in err;
}

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `No API route for ${req.method} ${req.path}`));
};

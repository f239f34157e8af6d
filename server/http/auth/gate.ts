/**
 * The auth gate in front of every /api route: who is calling (API token or session cookie), the
 * rate limit, the permission table, and CSRF for cookie-authenticated writes. Refusals go through
 * the one error handler as AppErrors.
 */
import type { Request, RequestHandler, Response } from 'express';
import { tokenScope } from '../../../shared/api/auth';
import { audit } from '../../auth/audit';
import { hashToken, looksLikeApiToken, safeEqual } from '../../auth/tokens';
import { deleteSession, findSession, touchSession } from '../../db/repositories/sessions.repository';
import { findActiveToken, touchToken } from '../../db/repositories/tokens.repository';
import { AppError } from '../errors';
import type { AuthContext } from './context';
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from './cookies';
import { decide } from './permissions';
import { setPrincipal, type Principal } from './principal';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Last-seen and last-used times move at most once a minute, so reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

export const isSecure = (ctx: AuthContext, req: Request) => ctx.options.secureCookies === 'always' || req.secure;

export function authGate(ctx: AuthContext): RequestHandler {
  return async (req, res, next) => {
    const now = ctx.now();
    let principal: Principal | null = null;
    let failure: AppError | null = null;
    try {
      principal = await authenticate(ctx, req, res, now);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      failure = e;
    }
    const wait = takeRateLimit(ctx, principal, req.ip ?? 'unknown', now.getTime());
    if (wait > 0) {
      res.setHeader('retry-after', String(wait));
      throw new AppError(429, 'rate_limited', `Too many requests; try again in ${wait} s.`);
    }
    if (failure) throw failure;
    if (principal) setPrincipal(req, principal);

    const decision = decide(req.method, req.baseUrl + req.path, principal ? { role: principal.user.role, scope: principal.scope } : null);
    if (decision === 'unauthenticated') {
      res.setHeader('www-authenticate', 'Bearer realm="earshot"');
      throw new AppError(401, 'unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer es_…".');
    }
    if (decision === 'no_entry') throw new AppError(403, 'forbidden', `${req.method} ${req.baseUrl}${req.path} is not open to any account.`);
    if (decision === 'forbidden') throw new AppError(403, 'forbidden', `Your role (${principal!.user.role}) may not ${req.method} ${req.baseUrl}${req.path}.`);
    if (decision === 'scope') throw new AppError(403, 'forbidden', `A token with scope "${principal!.scope}" may not ${req.method} ${req.baseUrl}${req.path}.`);

    // Cookies ride along on cross-site requests; the CSRF token, readable only by our own pages, does not.
    if (principal?.via === 'session' && !SAFE_METHODS.has(req.method.toUpperCase())) {
      const sent = req.get('x-csrf-token');
      if (!sent || !safeEqual(sent, principal.csrfToken!)) throw new AppError(403, 'csrf_failed', 'Missing or wrong x-csrf-token header; GET /api/session returns the token.');
    }
    next();
  };
}

/** Tokens their owners may spend together, in multiples of one token's budget. */
const TOKENS_PER_OWNER = 4;

/**
 * One budget per caller: a token, a user's browser sessions, or (signed out, and any failed
 * credential) an IP. A user's tokens also share an owner's budget, so minting more tokens does
 * not multiply what one account may send.
 */
function takeRateLimit(ctx: AuthContext, principal: Principal | null, ip: string, now: number): number {
  if (!principal) return ctx.limiter.take(`ip:${ip}`, now);
  if (principal.tokenId === null) return ctx.limiter.take(`user:${principal.user.id}`, now);
  return ctx.limiter.take(`token:${principal.tokenId}`, now) || ctx.limiter.take(`owner:${principal.user.id}`, now, ctx.options.rateLimitPerMinute * TOKENS_PER_OWNER);
}

async function authenticate(ctx: AuthContext, req: Request, res: Response, now: Date): Promise<Principal | null> {
  const authorization = req.get('authorization');
  if (authorization !== undefined) return authenticateToken(ctx, req, authorization, now);

  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!cookie) return null;
  const idHash = hashToken(cookie);
  const row = await findSession(ctx.db, idHash);
  const idleSince = new Date(now.getTime() - ctx.options.idleTimeoutMs);
  if (!row || row.expires_at <= now || row.last_seen_at < idleSince || row.disabled_at) {
    if (row) await deleteSession(ctx.db, idHash);
    res.append('set-cookie', clearedSessionCookie(isSecure(ctx, req)));
    return null;
  }
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) await touchSession(ctx.db, idHash, now);
  return {
    user: { id: row.user_id, email: row.email, name: row.name, role: row.role, supplierSubjectId: row.supplier_subject_id },
    via: 'session',
    sessionHash: idHash,
    csrfToken: row.csrf_token,
    expiresAt: new Date(Math.min(row.expires_at.getTime(), now.getTime() + ctx.options.idleTimeoutMs)),
    tokenId: null,
    scope: null,
  };
}

async function authenticateToken(ctx: AuthContext, req: Request, header: string, now: Date): Promise<Principal> {
  const m = /^Bearer +(\S+)$/i.exec(header);
  const refuse = () => new AppError(401, 'invalid_token', 'The API token is not valid (revoked, mistyped or its account disabled).');
  if (!m || !looksLikeApiToken(m[1]!)) throw refuse();
  const row = await findActiveToken(ctx.db, hashToken(m[1]!));
  const scope = tokenScope.safeParse(row?.scope);
  if (!row || row.disabled_at || !scope.success) throw refuse();
  if (await touchToken(ctx.db, row.id, now, new Date(now.getTime() - TOUCH_EVERY_MS))) {
    await audit(ctx.db, { actorId: row.user_id, action: 'token.used', target: { type: 'token', id: row.id }, details: { name: row.name, scope: row.scope }, ip: req.ip ?? null, at: now });
  }
  return {
    user: { id: row.user_id, email: row.email, name: row.user_name, role: row.role, supplierSubjectId: row.supplier_subject_id },
    via: 'token',
    sessionHash: null,
    csrfToken: null,
    expiresAt: null,
    tokenId: row.id,
    scope: scope.data,
  };
}

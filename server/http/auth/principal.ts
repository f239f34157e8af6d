/** Who is calling: set by the auth gate on each request, read by the routes. */
import type { Request } from 'express';
import type { Role, TokenScope } from '../../../shared/api/auth';
import { AppError } from '../errors';

export interface Principal {
  user: { id: number; email: string; name: string; role: Role; supplierSubjectId: number | null };
  via: 'session' | 'token';
  /** sha256 of the session cookie (session callers). */
  sessionHash: string | null;
  csrfToken: string | null;
  expiresAt: Date | null;
  tokenId: number | null;
  scope: TokenScope | null;
}

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, p: Principal): void {
  principals.set(req, p);
  // Routes written before accounts existed read `req.user.id` for "who did it".
  (req as unknown as { user: { id: number; role: Role } }).user = { id: p.user.id, role: p.user.role };
}

export function principalOf(req: Request): Principal | null {
  return principals.get(req) ?? null;
}

/** The caller, or 401 (routes behind the gate always have one; this guards a wiring mistake). */
export function requirePrincipal(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw new AppError(401, 'unauthenticated', 'Sign in first.');
  return p;
}

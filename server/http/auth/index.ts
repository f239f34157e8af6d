/**
 * Accounts and access for the API, as one router mounted at /api ahead of every other: the gate
 * (identity, rate limit, permissions, CSRF) and the session, token, user and audit routes.
 * `createApp({ ..., auth: { database } })` mounts it; without `auth` the API is open (tests of
 * other modules, tools).
 */
import { Router } from 'express';
import { authContext, type AuthDeps } from './context';
import { authGate } from './gate';
import { sessionRoutes } from './session.routes';
import { tokensRoutes } from './tokens.routes';
import { usersRoutes } from './users.routes';

export type { AuthDeps, AuthOptions } from './context';

export function authApi(deps: AuthDeps): Router {
  const ctx = authContext(deps);
  const router = Router();
  router.use(authGate(ctx));
  router.use(sessionRoutes(ctx), tokensRoutes(ctx), usersRoutes(ctx));
  return router;
}

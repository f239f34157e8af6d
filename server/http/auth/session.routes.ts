import express, { Router } from 'express';
import { loginRequest, type SessionResponse } from '../../../shared/api/auth';
import { audit } from '../../auth/audit';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../auth/passwords';
import { deleteSession, deleteStaleSessions, deleteUserSessions } from '../../db/repositories/sessions.repository';
import { getUser, getUserByEmail, updateUser } from '../../db/repositories/users.repository';
import { AppError } from '../errors';
import type { AuthContext } from './context';
import { clearedSessionCookie, sessionCookie } from './cookies';
import { isSecure } from './gate';
import { requirePrincipal } from './principal';
import { startSession } from './sessions';
import { toUser } from './views';

const smallJson = express.json({ limit: '16kb' });

export function sessionRoutes(ctx: AuthContext): Router {
  const router = Router();
  const db = ctx.db;

  router.post('/session', smallJson, async (req, res) => {
    const { email, password } = loginRequest.parse(req.body);
    const account = email.toLowerCase();
    const ip = req.ip ?? 'unknown';
    const now = ctx.now();
    // Someone typing a password into the e-mail field must not find it in the audit log.
    const shownEmail = /^[^@\s]+@[^@\s]+$/.test(account) ? account : '[not an e-mail address]';
    const wait = ctx.throttle.retryAfter(account, ip, now.getTime());
    if (wait > 0) {
      await audit(db, { actorId: null, action: 'login.locked', details: { email: shownEmail }, ip, at: now });
      res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
      throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s.`);
    }
    const user = await getUserByEmail(db, account);
    const valid = user && !user.disabled_at ? await verifyPassword(password, user.password_hash) : await verifyPassword(password, await decoyHash()).then(() => false);
    if (!user || !valid) {
      ctx.throttle.fail(account, ip, now.getTime());
      await audit(db, { actorId: user?.id ?? null, action: 'login.failed', target: user ? { type: 'user', id: user.id } : null, details: { email: shownEmail, ...(user?.disabled_at ? { reason: 'disabled' } : {}) }, ip, at: now });
      throw new AppError(401, 'invalid_credentials', 'The e-mail address or the password is wrong.');
    }
    ctx.throttle.succeed(account);
    if (needsRehash(user.password_hash)) await updateUser(db, user.id, { passwordHash: await hashPassword(password) }, now);
    // Sign-ins are rare enough to sweep ended sessions on, so no timer is needed for it.
    await deleteStaleSessions(db, now, new Date(now.getTime() - ctx.options.idleTimeoutMs));
    const session = await startSession(db, user.id, now, ctx.options.absoluteTimeoutMs, { ip, userAgent: req.get('user-agent') ?? null });
    await audit(db, { actorId: user.id, action: 'login', target: { type: 'user', id: user.id }, ip, at: now });
    res.append('set-cookie', sessionCookie(session.id, { secure: isSecure(ctx, req), maxAgeSeconds: Math.floor(ctx.options.absoluteTimeoutMs / 1000) }));
    const body: SessionResponse = { user: toUser(user), csrfToken: session.csrfToken, via: 'session', expiresAt: new Date(Math.min(session.expiresAt.getTime(), now.getTime() + ctx.options.idleTimeoutMs)).toISOString() };
    res.status(201).json(body);
  });

  router.get('/session', async (req, res) => {
    const p = requirePrincipal(req);
    const user = await getUser(db, p.user.id);
    if (!user) throw new AppError(401, 'unauthenticated', 'The account no longer exists.');
    const body: SessionResponse = { user: toUser(user), csrfToken: p.csrfToken, via: p.via, expiresAt: p.expiresAt?.toISOString() ?? null };
    res.setHeader('cache-control', 'no-store');
    res.json(body);
  });

  router.delete('/session', async (req, res) => {
    const p = requirePrincipal(req);
    if (p.sessionHash) await deleteSession(db, p.sessionHash);
    await audit(db, { actorId: p.user.id, action: 'logout', target: { type: 'user', id: p.user.id }, ip: req.ip ?? null, at: ctx.now() });
    res.append('set-cookie', clearedSessionCookie(isSecure(ctx, req)));
    res.status(204).end();
  });

  router.delete('/sessions', async (req, res) => {
    const p = requirePrincipal(req);
    const ended = await deleteUserSessions(db, p.user.id);
    await audit(db, { actorId: p.user.id, action: 'logout.everywhere', target: { type: 'user', id: p.user.id }, details: { sessionsEnded: ended }, ip: req.ip ?? null, at: ctx.now() });
    res.append('set-cookie', clearedSessionCookie(isSecure(ctx, req)));
    res.json({ sessionsEnded: ended });
  });
  return router;
}

import express, { Router } from 'express';
import { z } from 'zod';
import { tokenCreate } from '../../../shared/api/auth';
import { audit } from '../../auth/audit';
import { hashToken, newApiToken } from '../../auth/tokens';
import { getToken, insertToken, listTokens, revokeToken } from '../../db/repositories/tokens.repository';
import { AppError, notFound } from '../errors';
import type { AuthContext } from './context';
import { requirePrincipal } from './principal';
import { toToken } from './views';

const idParam = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });
const smallJson = express.json({ limit: '16kb' });

/** API tokens: admins see and revoke everyone's; others their own. The token is shown once, at creation. */
export function tokensRoutes(ctx: AuthContext): Router {
  const router = Router();
  const db = ctx.db;

  router.get('/tokens', async (req, res) => {
    const p = requirePrincipal(req);
    const rows = await listTokens(db, p.user.role === 'admin' ? {} : { userId: p.user.id });
    res.json({ tokens: rows.map(toToken) });
  });

  router.post('/tokens', smallJson, async (req, res) => {
    const p = requirePrincipal(req);
    const { name, scope } = tokenCreate.parse(req.body);
    if (scope === 'ingest' && p.user.role !== 'admin') throw new AppError(403, 'forbidden', 'Only admins may create ingest tokens (ingest is an admin route).');
    const token = newApiToken();
    const row = await insertToken(db, { userId: p.user.id, name, scope, tokenHash: hashToken(token), now: ctx.now() });
    await audit(db, { actorId: p.user.id, action: 'token.created', target: { type: 'token', id: row.id }, details: { name, scope }, ip: req.ip ?? null, at: ctx.now() });
    res.status(201).json({ ...toToken({ ...row, email: p.user.email }), token });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const p = requirePrincipal(req);
    const { id } = idParam.parse(req.params);
    const row = await getToken(db, id);
    // Someone else's token is "not found" to a non-admin: its existence is not theirs to learn.
    if (!row || (row.user_id !== p.user.id && p.user.role !== 'admin')) throw notFound('Token');
    if (await revokeToken(db, id, ctx.now())) {
      await audit(db, { actorId: p.user.id, action: 'token.revoked', target: { type: 'token', id }, details: { name: row.name, owner: row.user_id }, ip: req.ip ?? null, at: ctx.now() });
    }
    res.status(204).end();
  });
  return router;
}

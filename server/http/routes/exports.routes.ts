import { Router } from 'express';
import { z } from 'zod';
import { audit } from '../../auth/audit';
import type { DatabaseHandle } from '../../db/database';
import { requirePrincipal } from '../auth/principal';

/** The dashboard builds CSV files in the browser; it reports each export here so the audit log has it. */
const exportBody = z.object({ file: z.string().trim().min(1).max(200), rows: z.number().int().min(0).max(10_000_000) });

export function exportsRoutes(deps: { database: DatabaseHandle }): Router {
  const router = Router();
  router.post('/audit/exports', async (req, res) => {
    const body = exportBody.parse(req.body);
    const p = requirePrincipal(req);
    await audit(deps.database.db, { actorId: p.user.id, action: 'export', target: { type: 'csv', id: body.file }, details: { rows: body.rows }, ip: req.ip ?? null, at: new Date() });
    res.status(204).end();
  });
  return router;
}

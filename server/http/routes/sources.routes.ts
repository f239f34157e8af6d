import { Router } from 'express';
import { z } from 'zod';
import { sourceInput, type SourceTestResult } from '../../../shared/api/sources';
import { audit } from '../../auth/audit';
import type { DatabaseHandle } from '../../db/database';
import type { SourceManager } from '../../services/sources.service';
import { requirePrincipal } from '../auth/principal';
import type { Request } from 'express';

const idParam = z.object({ id: z.string().min(1).max(200) });

/** Settings → Sources. Credentials go in (sealed at once) and never come out. */
export function sourcesRoutes(deps: { sources: SourceManager; database: DatabaseHandle }): Router {
  const router = Router();
  // Who added, paused or removed which source; credentials are named, never their values.
  const record = (req: Request, action: 'credential.changed' | 'settings.changed', source: string, what: string, details: Record<string, unknown> = {}) =>
    audit(deps.database.db, { actorId: requirePrincipal(req).user.id, action, target: { type: 'source', id: source }, details: { change: what, ...details }, ip: req.ip ?? null, at: new Date() });

  router.get('/sources', async (_req, res) => {
    res.json({ sources: await deps.sources.list() });
  });

  router.post('/sources', async (req, res) => {
    const view = await deps.sources.add(sourceInput.parse(req.body));
    await record(req, view.secretsSet.length ? 'credential.changed' : 'settings.changed', view.id, 'added', { kind: view.kind, credentials: view.secretsSet });
    res.status(201).json(view);
  });

  router.post('/sources/test', async (req, res) => {
    const result: SourceTestResult = await deps.sources.test(sourceInput.parse(req.body));
    res.json(result);
  });

  router.post('/sources/:id/pause', async (req, res) => {
    const view = await deps.sources.setPaused(idParam.parse(req.params).id, true);
    await record(req, 'settings.changed', view.id, 'paused');
    res.json(view);
  });

  router.post('/sources/:id/resume', async (req, res) => {
    const view = await deps.sources.setPaused(idParam.parse(req.params).id, false);
    await record(req, 'settings.changed', view.id, 'resumed');
    res.json(view);
  });

  router.delete('/sources/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    await deps.sources.remove(id);
    await record(req, 'credential.changed', id, 'removed');
    res.status(204).end();
  });
  return router;
}

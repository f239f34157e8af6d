import { Router } from 'express';
import { z } from 'zod';
import { sourceInput, type SourceTestResult } from '../../../shared/api/sources';
import type { SourceManager } from '../../services/sources.service';

const idParam = z.object({ id: z.string().min(1).max(200) });

/** Settings → Sources. Credentials go in (sealed at once) and never come out. */
export function sourcesRoutes(deps: { sources: SourceManager }): Router {
  const router = Router();

  router.get('/sources', async (_req, res) => {
    res.json({ sources: await deps.sources.list() });
  });

  router.post('/sources', async (req, res) => {
    res.status(201).json(await deps.sources.add(sourceInput.parse(req.body)));
  });

  router.post('/sources/test', async (req, res) => {
    const result: SourceTestResult = await deps.sources.test(sourceInput.parse(req.body));
    res.json(result);
  });

  router.post('/sources/:id/pause', async (req, res) => {
    res.json(await deps.sources.setPaused(idParam.parse(req.params).id, true));
  });

  router.post('/sources/:id/resume', async (req, res) => {
    res.json(await deps.sources.setPaused(idParam.parse(req.params).id, false));
  });

  router.delete('/sources/:id', async (req, res) => {
    await deps.sources.remove(idParam.parse(req.params).id);
    res.status(204).end();
  });
  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { rangeQuery } from '../../../shared/api/range';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { overview, scorecard } from '../../services/stats.service';

const subjectsParam = z.object({
  subjects: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated subject ids')
    .transform((s) => s.split(',').map(Number))
    .optional(),
});

export function statsRoutes(deps: { database: DatabaseHandle; clock: Clock }): Router {
  const router = Router();
  router.get('/stats/overview', async (req, res) => {
    const range = rangeQuery.parse(req.query);
    const { subjects } = subjectsParam.parse(req.query);
    res.json(await overview(deps.database.db, range, deps.clock.now(), subjects));
  });
  router.get('/stats/scorecard', async (req, res) => {
    res.json(await scorecard(deps.database.db, rangeQuery.parse(req.query), deps.clock.now()));
  });
  return router;
}

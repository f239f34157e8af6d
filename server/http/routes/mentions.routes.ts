import { Router } from 'express';
import { mentionsQuery } from '../../../shared/api/posts';
import { rangeQuery } from '../../../shared/api/range';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { mentions } from '../../services/mentions.service';

export function mentionsRoutes(deps: { database: DatabaseHandle; clock: Clock }): Router {
  const router = Router();
  router.get('/mentions', async (req, res) => {
    const q = mentionsQuery.parse(req.query);
    // Without a range the stream shows everything, newest first.
    const range = req.query.range || req.query.from ? rangeQuery.parse(req.query) : null;
    res.json(await mentions(deps.database.db, q, range, deps.clock.now()));
  });
  return router;
}

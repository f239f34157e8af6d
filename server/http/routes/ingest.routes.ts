import { Router } from 'express';
import { ingestRequest, type IngestResponse } from '../../../shared/api/ingest';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import type { PostAnalyzer } from '../../pipeline/analyzer';
import type { EventHub } from '../../pipeline/events';
import { ingestBatch } from '../../pipeline/ingest';
import { recognisePost } from '../../sources/external-post';
import type { NormalizedPost } from '../../sources/source';

export const WEBHOOK_SOURCE = 'webhook';

/** POST /api/ingest: posts from other tools, one or a batch; bad items are refused one by one with reasons. */
export function ingestRoutes(deps: { database: DatabaseHandle; analyzer: () => PostAnalyzer; clock: Clock; events: EventHub }): Router {
  const router = Router();
  router.post('/ingest', async (req, res) => {
    const { posts: items } = ingestRequest.parse(req.body);
    const good: NormalizedPost[] = [];
    const rejected: IngestResponse['rejected'] = [];
    items.forEach((item, index) => {
      const r = recognisePost(item, WEBHOOK_SOURCE);
      if (r.ok) good.push(r.post);
      else rejected.push({ index, errors: r.errors });
    });
    // The webhook has no position to resume from: the cursor records the last delivery for health.
    const result = await ingestBatch(deps.database.db, deps.analyzer(), { id: WEBHOOK_SOURCE, kind: 'webhook' }, { posts: good, cursor: { lastDeliveryAt: deps.clock.now().toISOString() } }, deps.clock.now());
    if (result.stored.length) deps.events.publish('posts', { count: result.stored.length, source: WEBHOOK_SOURCE, ids: result.stored.map((s) => s.id) });
    const body: IngestResponse = { accepted: result.stored.length, duplicates: result.duplicates, rejected };
    res.status(good.length === 0 ? 422 : 200).json(body);
  });
  return router;
}

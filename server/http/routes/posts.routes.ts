import { Router } from 'express';
import { z } from 'zod';
import { correctionInput } from '../../../shared/api/posts';
import type { DatabaseHandle } from '../../db/database';
import { correctionsForPost, correctLabel } from '../../db/repositories/corrections.repository';
import { getPost } from '../../db/repositories/mentions.repository';
import { notFound } from '../errors';

const idParam = z.object({ id: z.coerce.number().int().positive() });

export function postsRoutes(deps: { database: DatabaseHandle; onCorrection?: () => void }): Router {
  const router = Router();
  const db = deps.database.db;

  // The sentiment rationale and the correction history, shown on demand in Mentions.
  router.get('/posts/:id/rationale', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const post = await getPost(db, id);
    if (!post) throw notFound('Post');
    const corrections = await correctionsForPost(db, id);
    res.json({
      id,
      rationale: post.rationale,
      corrections: corrections.map((c) => ({ label: c.label, at: c.created_at.toISOString(), userId: c.user_id })),
    });
  });

  router.post('/posts/:id/label', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { label } = correctionInput.parse(req.body);
    const userId = (req as { user?: { id: number } }).user?.id ?? null;
    const result = await correctLabel(db, id, label, userId);
    if (!result) throw notFound('Post');
    deps.onCorrection?.();
    res.json({ id, label, previous: result.previous });
  });
  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { groupInput } from '../../../shared/api/groups';
import type { DatabaseHandle } from '../../db/database';
import { addGroup, deleteGroup, listGroups } from '../../db/repositories/groups.repository';
import { principalOf } from '../auth/principal';
import { AppError, notFound } from '../errors';

const idParam = z.object({ id: z.uuid() });

/** Saved supplier groups for the scorecard ("all tier-1 suppliers in EMEA"). */
export function groupsRoutes(deps: { database: DatabaseHandle }): Router {
  const router = Router();
  const db = deps.database.db;

  router.get('/subject-groups', async (_req, res) => {
    res.json({ groups: await listGroups(db) });
  });

  router.post('/subject-groups', async (req, res) => {
    const input = groupInput.parse(req.body);
    const group = await addGroup(db, { ...input, createdBy: principalOf(req)?.user.email ?? null, now: new Date() });
    if (group === 'duplicate') throw new AppError(409, 'duplicate_name', `A group named "${input.name}" already exists.`);
    res.status(201).json(group);
  });

  router.delete('/subject-groups/:id', async (req, res) => {
    if (!(await deleteGroup(db, idParam.parse(req.params).id))) throw notFound('Group');
    res.status(204).end();
  });
  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { issuePatch, issuesQuery } from '../../../shared/api/issues';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { getIssue, updateIssue } from '../../db/repositories/issues.repository';
import type { EventHub } from '../../pipeline/events';
import { issueViews, toIssueViews } from '../../services/issues.service';
import { notFound } from '../errors';

const idParam = z.object({ id: z.coerce.number().int().positive() });

export function issuesRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub }): Router {
  const router = Router();
  const db = deps.database.db;
  router.get('/issues', async (req, res) => {
    const q = issuesQuery.parse(req.query);
    res.json({ issues: await issueViews(db, { status: q.status, subjectId: q.subject, limit: q.limit }, deps.clock.now()) });
  });
  router.get('/issues/:id', async (req, res) => {
    const row = await getIssue(db, idParam.parse(req.params).id);
    if (!row) throw notFound('Issue');
    res.json((await toIssueViews(db, [row], deps.clock.now()))[0]);
  });
  router.patch('/issues/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const updated = await updateIssue(db, id, issuePatch.parse(req.body));
    if (!updated) throw notFound('Issue');
    deps.events.publish('issue', { id, subjectId: updated.subject_id, label: updated.label });
    const row = await getIssue(db, id);
    res.json((await toIssueViews(db, [row!], deps.clock.now()))[0]);
  });
  return router;
}

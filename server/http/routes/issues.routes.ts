import { Router } from 'express';
import { z } from 'zod';
import { issueMerge, issuePatch, issueSplit, issuesQuery } from '../../../shared/api/issues';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { getIssue } from '../../db/repositories/issues.repository';
import type { EventHub } from '../../pipeline/events';
import { changeIssueStatus, mergeIssue, renameIssueLabel, splitIssuePosts } from '../../services/issue-decisions.service';
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
  const respond = async (res: import('express').Response, id: number, status = 200) => {
    const row = await getIssue(db, id);
    if (!row) throw notFound('Issue');
    deps.events.publish('issue', { id, subjectId: row.subject_id, label: row.label });
    res.status(status).json((await toIssueViews(db, [row], deps.clock.now()))[0]);
  };
  router.patch('/issues/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const patch = issuePatch.parse(req.body);
    if (!(await getIssue(db, id))) throw notFound('Issue');
    if (patch.label !== undefined) await renameIssueLabel(db, id, patch.label, deps.clock.now());
    if (patch.status !== undefined) await changeIssueStatus(db, id, patch.status, deps.clock.now());
    await respond(res, id);
  });
  router.post('/issues/:id/merge', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { into } = issueMerge.parse(req.body);
    await mergeIssue(db, id, into, deps.clock.now());
    await respond(res, into);
  });
  router.post('/issues/:id/split', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { postIds, label } = issueSplit.parse(req.body);
    const created = await splitIssuePosts(db, id, postIds, label, deps.clock.now());
    await respond(res, created, 201);
  });
  return router;
}

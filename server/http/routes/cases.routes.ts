import { Router } from 'express';
import { z } from 'zod';
import { caseCreate, caseNote, casePatch, casesQuery } from '../../../shared/api/cases';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { listCases } from '../../db/repositories/cases.repository';
import { listAssignable } from '../../db/repositories/users.repository';
import type { EventHub } from '../../pipeline/events';
import { addNote, caseDetail, caseMetrics, createCase, markResponded, patchCase, toSummary } from '../../services/cases.service';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const metricsQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
const actor = (req: object) => (req as { user?: { id: number } }).user?.id ?? null;

export function casesRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub }): Router {
  const router = Router();
  const db = deps.database.db;
  const changed = async (id: number) => {
    const detail = await caseDetail(db, id, deps.clock.now());
    deps.events.publish('case', { id, status: detail.status });
    return detail;
  };

  router.get('/cases', async (req, res) => {
    const q = casesQuery.parse(req.query);
    const rows = await listCases(db, { status: q.status, open: q.open === undefined ? undefined : q.open === 'true', subjectId: q.subject, assigneeId: q.assignee === 'none' ? null : q.assignee, kind: q.kind, limit: q.limit });
    const now = deps.clock.now();
    res.json({ cases: rows.map((r) => toSummary(r, now)) });
  });

  router.get('/cases/metrics', async (req, res) => {
    const { days } = metricsQuery.parse(req.query);
    const now = deps.clock.now();
    res.json(await caseMetrics(db, new Date(now.getTime() - days * 86_400_000), now));
  });

  router.get('/cases/assignees', async (_req, res) => {
    res.json({ people: await listAssignable(db) });
  });

  router.get('/cases/:id', async (req, res) => {
    res.json(await caseDetail(db, idParam.parse(req.params).id, deps.clock.now()));
  });

  router.post('/cases', async (req, res) => {
    const input = caseCreate.parse(req.body);
    const id = await createCase(db, input, actor(req), deps.clock.now());
    res.status(201).json(await changed(id));
  });

  router.patch('/cases/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    await patchCase(db, id, casePatch.parse(req.body), actor(req), deps.clock.now());
    res.json(await changed(id));
  });

  router.post('/cases/:id/notes', async (req, res) => {
    const { id } = idParam.parse(req.params);
    await addNote(db, id, caseNote.parse(req.body).text, actor(req), deps.clock.now());
    res.status(201).json(await changed(id));
  });

  // A response made outside Earshot (phone, e-mail) still stops the first-response clock.
  router.post('/cases/:id/responded', async (req, res) => {
    const { id } = idParam.parse(req.params);
    await markResponded(db, id, actor(req), 'outside Earshot', deps.clock.now());
    res.json(await changed(id));
  });
  return router;
}

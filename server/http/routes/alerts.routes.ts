import { Router } from 'express';
import { z } from 'zod';
import { alertPatch, alertsQuery, alertWhy, type AlertView } from '../../../shared/api/alerts';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { getAlert, listAlerts, setAlertStatus, type AlertWithNames } from '../../db/repositories/alerts.repository';
import type { EventHub } from '../../pipeline/events';
import { notFound } from '../errors';

const idParam = z.object({ id: z.coerce.number().int().positive() });

function toAlertView(a: AlertWithNames): AlertView {
  const why = alertWhy.safeParse(a.why);
  return {
    id: a.id,
    kind: a.kind,
    subjectId: a.subject_id,
    subjectName: a.subject_name,
    issueId: a.issue_id,
    issueLabel: a.issue_label,
    source: a.source,
    severity: a.severity,
    status: a.status,
    observed: a.observed,
    expected: a.expected,
    windowStart: a.window_start.toISOString(),
    windowEnd: a.window_end.toISOString(),
    openedAt: a.opened_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    resolvedAt: a.resolved_at?.toISOString() ?? null,
    why: why.success
      ? why.data
      : { summary: `${a.kind} for ${a.subject_name ?? a.source ?? 'unknown'}`, observed: a.observed, expected: a.expected, since: a.window_start.toISOString(), series: [], topTerms: [], postIds: [], sources: {}, distinctAuthors: 0 },
  };
}

export function alertsRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub }): Router {
  const router = Router();
  router.get('/alerts', async (req, res) => {
    const q = alertsQuery.parse(req.query);
    const rows = await listAlerts(deps.database.db, { status: q.status, subjectId: q.subject, limit: q.limit });
    res.json({ alerts: rows.map(toAlertView) });
  });
  router.patch('/alerts/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { status } = alertPatch.parse(req.body);
    const row = await setAlertStatus(deps.database.db, id, status, deps.clock.now());
    if (!row) throw notFound('Open alert');
    deps.events.publish('alert', { id: row.id, kind: row.kind, status: row.status, subjectId: row.subject_id, severity: row.severity });
    res.json(toAlertView((await getAlert(deps.database.db, id))!));
  });
  return router;
}


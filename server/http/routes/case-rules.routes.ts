import { Router, type Request } from 'express';
import { caseRulesBody } from '../../../shared/api/case-rules';
import { audit } from '../../auth/audit';
import type { DatabaseHandle } from '../../db/database';
import { loadCaseRules, saveCaseRules } from '../../db/repositories/case-rules.repository';
import { assertAssignable } from '../../services/cases.service';

const actorId = (req: Request) => (req as { user?: { id: number } }).user?.id ?? null;

/** The rules that open cases by themselves (evaluated in the derive step, server/pipeline/case-rules.ts). */
export function caseRulesRoutes(deps: { database: DatabaseHandle }): Router {
  const router = Router();
  const db = deps.database.db;

  router.get('/case-rules', async (_req, res) => {
    res.json({ rules: await loadCaseRules(db) });
  });

  router.put('/case-rules', async (req, res) => {
    const { rules } = caseRulesBody.parse(req.body);
    await assertAssignable(db, rules.flatMap((r) => [r.assigneeId, ...r.routes.map((x) => x.assigneeId)]));
    await saveCaseRules(db, rules);
    await audit(db, { actorId: actorId(req), action: 'settings.changed', target: { type: 'setting', id: 'cases.rules' }, details: { rules: rules.map((r) => r.id) }, ip: req.ip ?? null });
    res.json({ rules });
  });
  return router;
}

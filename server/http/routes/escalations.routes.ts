import { Router } from 'express';
import { z } from 'zod';
import { escalateInput } from '../../../shared/api/escalations';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import { escalateIssue } from '../../escalation/escalation.service';
import type { Mailer } from '../../notify/email.notifier';
import type { EventHub } from '../../pipeline/events';
import { requirePrincipal } from '../auth/principal';

const idParam = z.object({ id: z.coerce.number().int().positive() });

export function escalationsRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub; mailer?: Mailer | null }): Router {
  const router = Router();

  // 201 with the case even when the delivery failed: the case exists, its timeline says why.
  router.post('/issues/:id/escalate', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const input = escalateInput.parse(req.body);
    const p = requirePrincipal(req);
    const result = await escalateIssue({ db: deps.database.db, mailer: deps.mailer ?? null, now: () => deps.clock.now() }, id, input, { id: p.user.id, ip: req.ip ?? null });
    deps.events.publish('case', { id: result.caseId, status: 'waiting_supplier' });
    res.status(201).json(result);
  });
  return router;
}

import { Router, type Request } from 'express';
import { z } from 'zod';
import { supplierAcknowledge } from '../../../shared/api/supplier';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import type { EventHub } from '../../pipeline/events';
import { acknowledgeSupplierCase, listSupplierCases, supplierCaseDetail } from '../../services/supplier-cases.service';
import { requirePrincipal } from '../auth/principal';
import { AppError } from '../errors';

const idParam = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

/** /api/supplier/...: a supplier account's own cases, scoped by the supplier it belongs to. */
export function supplierRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub }): Router {
  const router = Router();
  const db = deps.database.db;
  // The scope comes from the signed-in account, never from the request.
  const supplierOf = (req: Request) => {
    const p = requirePrincipal(req);
    if (p.user.role !== 'supplier' || p.user.supplierSubjectId === null) throw new AppError(403, 'forbidden', 'Only supplier accounts have supplier cases.');
    return { supplierId: p.user.supplierSubjectId, userId: p.user.id };
  };

  router.get('/supplier/cases', async (req, res) => {
    res.json({ cases: await listSupplierCases(db, supplierOf(req).supplierId) });
  });

  router.get('/supplier/cases/:id', async (req, res) => {
    const { supplierId } = supplierOf(req);
    res.json(await supplierCaseDetail(db, supplierId, idParam.parse(req.params).id, deps.clock.now()));
  });

  router.post('/supplier/cases/:id/acknowledge', async (req, res) => {
    const { supplierId, userId } = supplierOf(req);
    const { id } = idParam.parse(req.params);
    const { message } = supplierAcknowledge.parse(req.body ?? {});
    const now = deps.clock.now();
    await acknowledgeSupplierCase(db, supplierId, id, userId, message || null, now);
    const detail = await supplierCaseDetail(db, supplierId, id, now);
    deps.events.publish('case', { id, status: detail.status });
    res.json(detail);
  });
  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { alertTargetInput, type AlertTargetInput } from '../../../shared/api/targets';
import type { DatabaseHandle } from '../../db/database';
import { deliveriesForAlert, loadTargets, saveTargets } from '../../db/repositories/deliveries.repository';
import { AppError } from '../errors';
import type { SecretBox } from '../../auth/secrets';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const targetsBody = z.object({ targets: z.array(alertTargetInput).max(50) });

export function settingsRoutes(deps: { database: DatabaseHandle; secrets: SecretBox }): Router {
  const router = Router();
  const db = deps.database.db;

  // Secrets are write-only: the response says whether one is set, never what it is.
  router.get('/settings/alert-targets', async (_req, res) => {
    const targets = await loadTargets(db);
    res.json({ targets: targets.map(({ secret, ...t }) => ({ ...t, hasSecret: Boolean(secret) })) });
  });

  router.put('/settings/alert-targets', async (req, res) => {
    const { targets } = targetsBody.parse(req.body);
    const ids = new Set<string>();
    for (const t of targets) {
      if (ids.has(t.id)) throw new AppError(400, 'duplicate_target', `Two targets are named "${t.id}".`);
      ids.add(t.id);
      if ((t.kind === 'webhook' || t.kind === 'slack') && !t.url) throw new AppError(400, 'invalid_request', `Target "${t.id}" needs a url.`);
      if (t.kind === 'email' && !t.to?.length) throw new AppError(400, 'invalid_request', `Target "${t.id}" needs recipients.`);
    }
    // A target sent without a secret keeps the one it had.
    const previous = new Map((await loadTargets(db)).map((t) => [t.id, t]));
    // Secrets are stored sealed (AES-256-GCM with the server's key).
    const merged: AlertTargetInput[] = targets.map((t) => ({ ...t, secret: t.secret ? deps.secrets.seal(t.secret) : previous.get(t.id)?.secret }));
    await saveTargets(db, merged);
    res.json({ targets: merged.map(({ secret, ...t }) => ({ ...t, hasSecret: Boolean(secret) })) });
  });

  router.get('/alerts/:id/deliveries', async (req, res) => {
    const rows = await deliveriesForAlert(db, idParam.parse(req.params).id);
    res.json({
      deliveries: rows.map((d) => ({
        id: d.id,
        alertId: d.alert_id,
        target: d.target,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.next_attempt_at?.toISOString() ?? null,
        lastError: d.last_error,
        updatedAt: d.updated_at.toISOString(),
      })),
    });
  });
  return router;
}

import { Router } from 'express';
import { sql } from 'kysely';
import type { HealthResponse } from '../../../shared/api/health';
import { pendingMigrations } from '../../db/migrate';
import type { AppDeps } from '../app';

export function healthRoutes(deps: Pick<AppDeps, 'database' | 'version' | 'sourceHealth'>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    let reachable = true;
    let pending: string[] = [];
    try {
      await sql`select 1`.execute(deps.database.db);
      pending = await pendingMigrations(deps.database.db);
    } catch {
      reachable = false;
    }
    const sources = deps.sourceHealth();
    const sourcesOk = sources.every((s) => s.status !== 'failing');
    const status = !reachable || pending.length > 0 ? 'down' : sourcesOk ? 'ok' : 'degraded';
    const body: HealthResponse = {
      status,
      version: deps.version,
      database: { kind: deps.database.kind, reachable, migrationsCurrent: reachable && pending.length === 0, pendingMigrations: pending },
      sources,
      time: new Date().toISOString(),
    };
    res.status(status === 'down' ? 503 : 200).json(body);
  });
  return router;
}

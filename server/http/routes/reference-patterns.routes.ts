import { Router, type Request } from 'express';
import { referencePatternsBody, referencePatternsTry } from '../../../shared/api/reference-patterns';
import { defaultPatterns, extractReferences } from '../../analysis/references';
import { audit } from '../../auth/audit';
import type { DatabaseHandle } from '../../db/database';
import type { Engines } from '../../pipeline/engines';
import { checkPatterns, loadReferencePatterns, saveReferencePatterns } from '../../services/reference-patterns.service';
import { AppError } from '../errors';

const actorId = (req: Request) => (req as { user?: { id: number } }).user?.id ?? null;
const builtIn = [...new Set(defaultPatterns.map((p) => p.type))];

async function checked(patterns: Parameters<typeof checkPatterns>[0]) {
  const { errors, compiled } = await checkPatterns(patterns);
  const names = Object.keys(errors);
  if (names.length) throw new AppError(400, 'invalid_pattern', names.map((n) => `${n}: ${errors[n]}`).join('; '), { errors });
  return compiled;
}

/** Reference patterns per deployment: saved only once they pass the checks, used for posts stored after. */
export function referencePatternsRoutes(deps: { database: DatabaseHandle; engines: Engines }): Router {
  const router = Router();
  const db = deps.database.db;

  router.get('/reference-patterns', async (_req, res) => {
    res.json({ patterns: await loadReferencePatterns(db), builtIn });
  });

  router.put('/reference-patterns', async (req, res) => {
    const { patterns } = referencePatternsBody.parse(req.body);
    await checked(patterns);
    await saveReferencePatterns(db, patterns);
    await deps.engines.reloadReferencePatterns();
    await audit(db, { actorId: actorId(req), action: 'settings.changed', target: { type: 'setting', id: 'references.patterns' }, details: { patterns: patterns.map((p) => ({ name: p.name, regex: p.regex })) }, ip: req.ip ?? null });
    res.json({ patterns, builtIn });
  });

  // Try patterns on a sample before saving them: the same checks, then what they would find.
  router.post('/reference-patterns/test', async (req, res) => {
    const { patterns, text } = referencePatternsTry.parse(req.body);
    const compiled = await checked(patterns);
    res.json({ references: extractReferences(text, [...defaultPatterns, ...compiled]) });
  });
  return router;
}

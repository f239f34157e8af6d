import { Router } from 'express';
import { z } from 'zod';
import { queryPreviewRequest, subjectInput, subjectPatch, type QueryPreviewResponse, type Subject } from '../../../shared/api/subjects';
import { compileQuery, matchedSpans } from '../../analysis/query-matcher';
import { parseQuery } from '../../analysis/query-parser';
import type { DatabaseHandle } from '../../db/database';
import { recentPosts } from '../../db/repositories/mentions.repository';
import { archiveSubject, getSubject, insertSubject, listSubjects, updateSubject } from '../../db/repositories/subjects.repository';
import type { SubjectRow } from '../../db/tables';
import type { Engines } from '../../pipeline/engines';
import { AppError, notFound } from '../errors';

const idParam = z.object({ id: z.coerce.number().int().positive() });

function toSubject(r: SubjectRow): Subject {
  return { id: r.id, kind: r.kind, name: r.name, query: r.query, aliases: r.aliases, handles: r.handles, attributes: r.attributes, sensitivity: r.sensitivity };
}

function checkQuery(query: string): void {
  const parsed = parseQuery(query);
  if (!parsed.ok) {
    throw new AppError(400, 'invalid_query', `The query has an error at position ${parsed.error.position}: ${parsed.error.message}`, parsed.error);
  }
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === '23505';
}

export function subjectsRoutes(deps: { database: DatabaseHandle; engines: Engines }): Router {
  const router = Router();
  const db = deps.database.db;

  router.get('/subjects', async (_req, res) => {
    res.json({ subjects: (await listSubjects(db)).map(toSubject) });
  });

  router.get('/subjects/:id', async (req, res) => {
    const row = await getSubject(db, idParam.parse(req.params).id);
    if (!row) throw notFound('Subject');
    res.json(toSubject(row));
  });

  router.post('/subjects', async (req, res) => {
    const input = subjectInput.parse(req.body);
    checkQuery(input.query);
    try {
      const row = await insertSubject(db, input);
      await deps.engines.reload();
      res.status(201).json(toSubject(row));
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError(409, 'duplicate_name', `A subject named "${input.name}" already exists.`);
      throw e;
    }
  });

  router.patch('/subjects/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const patch = subjectPatch.parse(req.body);
    if (patch.query !== undefined) checkQuery(patch.query);
    const row = await updateSubject(db, id, patch).catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new AppError(409, 'duplicate_name', `A subject named "${patch.name}" already exists.`);
      throw e;
    });
    if (!row) throw notFound('Subject');
    await deps.engines.reload();
    res.json(toSubject(row));
  });

  router.delete('/subjects/:id', async (req, res) => {
    if (!(await archiveSubject(db, idParam.parse(req.params).id))) throw notFound('Subject');
    await deps.engines.reload();
    res.status(204).end();
  });

  // Which recent posts a draft query would match, before it is saved.
  router.post('/subjects/preview', async (req, res) => {
    const { query, limit } = queryPreviewRequest.parse(req.body);
    const parsed = parseQuery(query);
    if (!parsed.ok) {
      const body: QueryPreviewResponse = { ok: false, error: parsed.error, scanned: 0, matched: 0, posts: [] };
      res.json(body);
      return;
    }
    const match = compileQuery(parsed.query);
    const recent = await recentPosts(db, 2000);
    const hits = recent.filter((p) => match({ text: p.text, authorHandle: p.author_handle, lang: p.lang }));
    const body: QueryPreviewResponse = {
      ok: true,
      error: null,
      scanned: recent.length,
      matched: hits.length,
      posts: hits.slice(0, limit).map((p) => ({ id: p.id, text: p.text, createdAt: p.created_at.toISOString(), spans: matchedSpans(parsed.query, p.text) })),
    };
    res.json(body);
  });

  return router;
}

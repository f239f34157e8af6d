import { Router } from 'express';
import { z } from 'zod';
import { incidentCreate, incidentNoteCreate, incidentsQuery } from '../../../shared/api/incidents';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import type { EventHub } from '../../pipeline/events';
import { addIncidentNote, closeIncident, createIncident, IncidentReader, incidentDetail, listIncidents } from '../../services/incidents.service';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const actor = (req: object) => (req as { user?: { id: number } }).user?.id ?? null;

/** Incident mode (war room): list, start, read (timeline, stories, voices, top posts, notes), note, close. */
export function incidentsRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub }): Router {
  const router = Router();
  const db = deps.database.db;
  const reader = new IncidentReader((id) => incidentDetail(db, id, deps.clock.now()));

  router.get('/incidents', async (req, res) => {
    const q = incidentsQuery.parse(req.query);
    res.json({ incidents: await listIncidents(db, q) });
  });

  router.post('/incidents', async (req, res) => {
    const id = await createIncident(db, incidentCreate.parse(req.body), actor(req), deps.clock.now());
    res.status(201).json(await incidentDetail(db, id, deps.clock.now()));
  });

  router.get('/incidents/:id', async (req, res) => {
    res.json(await reader.detail(idParam.parse(req.params).id));
  });

  router.post('/incidents/:id/notes', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { text } = incidentNoteCreate.parse(req.body);
    await addIncidentNote(db, id, text, actor(req), deps.clock.now());
    deps.events.publish('incident', { id, change: 'note' });
    res.status(201).json(await incidentDetail(db, id, deps.clock.now()));
  });

  router.post('/incidents/:id/close', async (req, res) => {
    const { id } = idParam.parse(req.params);
    await closeIncident(db, id, actor(req), deps.clock.now());
    deps.events.publish('incident', { id, change: 'closed' });
    res.json(await incidentDetail(db, id, deps.clock.now()));
  });
  return router;
}

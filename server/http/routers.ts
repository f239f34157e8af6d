/**
 * Every API router the server mounts, built from its dependencies. main.ts and the permission
 * tests use this one list, so a route added here is covered by the permission table's test.
 */
import type { Router } from 'express';
import type { SecretBox } from '../auth/secrets';
import type { Clock } from '../clock';
import type { DatabaseHandle } from '../db/database';
import type { Engines } from '../pipeline/engines';
import type { Mailer } from '../notify/email.notifier';
import type { EventHub } from '../pipeline/events';
import type { SourceManager } from '../services/sources.service';
import { alertsRoutes } from './routes/alerts.routes';
import { caseRulesRoutes } from './routes/case-rules.routes';
import { casesRoutes } from './routes/cases.routes';
import { escalationsRoutes } from './routes/escalations.routes';
import { eventsRoutes } from './routes/events.routes';
import { incidentsRoutes } from './routes/incidents.routes';
import { ingestRoutes } from './routes/ingest.routes';
import { issuesRoutes } from './routes/issues.routes';
import { mentionsRoutes } from './routes/mentions.routes';
import { postsRoutes } from './routes/posts.routes';
import { referencePatternsRoutes } from './routes/reference-patterns.routes';
import { repliesRoutes } from './routes/replies.routes';
import { settingsRoutes } from './routes/settings.routes';
import { sourcesRoutes } from './routes/sources.routes';
import { groupsRoutes } from './routes/groups.routes';
import { exportsRoutes } from './routes/exports.routes';
import { statsRoutes } from './routes/stats.routes';
import { subjectsRoutes } from './routes/subjects.routes';
import { supplierRoutes } from './routes/supplier.routes';

export interface RouterDeps {
  database: DatabaseHandle;
  clock: Clock;
  events: EventHub;
  engines: Engines;
  secrets: SecretBox;
  sources: SourceManager;
  heartbeatMs?: number;
  /** Sends supplier escalations by e-mail; null or absent when SMTP is not set up. */
  mailer?: Mailer | null;
}

export function apiRouters(d: RouterDeps): Router[] {
  return [
    statsRoutes(d),
    mentionsRoutes(d),
    postsRoutes({ database: d.database, onCorrection: () => void d.engines.reloadCorrections() }),
    subjectsRoutes(d),
    ingestRoutes({ ...d, analyzer: () => d.engines.analyzer }),
    settingsRoutes(d),
    sourcesRoutes(d),
    groupsRoutes(d),
    exportsRoutes(d),
    issuesRoutes(d),
    alertsRoutes(d),
    casesRoutes(d),
    caseRulesRoutes(d),
    referencePatternsRoutes(d),
    repliesRoutes(d),
    escalationsRoutes(d),
    incidentsRoutes(d),
    supplierRoutes(d),
    eventsRoutes({ events: d.events, heartbeatMs: d.heartbeatMs }),
  ];
}

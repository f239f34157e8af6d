/**
 * The composition root: config → database → migrations → sources → pipeline → HTTP.
 * Everything outside (clock, sources, logger) can be passed in, so tests start the real server
 * against fakes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { openDatabase, type DatabaseHandle } from './db/database';
import { migrateToLatest } from './db/migrate';
import { createApp } from './http/app';
import { createLogger, type Logger } from './logger';
import { alertsRoutes } from './http/routes/alerts.routes';
import { casesRoutes } from './http/routes/cases.routes';
import { eventsRoutes } from './http/routes/events.routes';
import { issuesRoutes } from './http/routes/issues.routes';
import { mentionsRoutes } from './http/routes/mentions.routes';
import { postsRoutes } from './http/routes/posts.routes';
import { statsRoutes } from './http/routes/stats.routes';
import { EventHub } from './pipeline/events';
import { SourceRunner } from './pipeline/runner';
import type { Source } from './sources/source';
import { version } from './version';

export interface Earshot {
  url: string;
  database: DatabaseHandle;
  events: EventHub;
  runner: SourceRunner;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Replaces the sources the configuration would build (tests). */
  sources?: Source[];
}

export async function startEarshot(config: Config, options: StartOptions = {}): Promise<Earshot> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) logger.info({ applied }, 'database migrated');
    const events = new EventHub();
    const sources = options.sources ?? [];
    const runner = new SourceRunner({ db: database.db, analyzer: () => { throw new Error('no analysis engines yet'); }, clock, logger, events }, sources);
    const app = createApp({
      database,
      logger,
      version,
      sourceHealth: () => runner.health(),
      webDir: config.webDir,
      routers: [
        statsRoutes({ database, clock }),
        mentionsRoutes({ database, clock }),
        postsRoutes({ database }),
        issuesRoutes({ database, clock, events }),
        alertsRoutes({ database, clock, events }),
        casesRoutes({ database, clock, events }),
        eventsRoutes({ events }),
      ],
    });
    const server = await listen(app, config.port, config.host);
    runner.start();
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
    return {
      url: `http://${host}:${port}`,
      database,
      events,
      runner,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await runner.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.on('error', reject);
  });
}

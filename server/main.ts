/**
 * The composition root: config → database → migrations → sources → pipeline → HTTP.
 * Everything outside (clock, sources, logger) can be passed in, so tests start the real server
 * against fakes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureFirstAdmin, type FirstAdmin } from './auth/first-admin';
import { loadSecretKey } from './auth/secret-key';
import { secretBox } from './auth/secrets';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { openDatabase, type DatabaseHandle } from './db/database';
import { migrateToLatest } from './db/migrate';
import { createApp } from './http/app';
import { apiRouters } from './http/routers';
import { createLogger, type Logger } from './logger';
import { emailNotifier, Mailer } from './notify/email.notifier';
import { slackNotifier, webhookNotifier } from './notify/webhook.notifier';
import { Deriver } from './pipeline/derive';
import { Engines } from './pipeline/engines';
import { EventHub } from './pipeline/events';
import { AlertDispatcher } from './pipeline/notify';
import { SourceRunner } from './pipeline/runner';
import { ReplyAccounts } from './replies/accounts';
import { reconcileUnsettled } from './replies/send.service';
import { SilenceWatcher } from './pipeline/silence';
import { demoClock } from './sources/demo/demo-clock';
import { DemoSource } from './sources/demo/demo.source';
import { countSubjects, insertSubject } from './db/repositories/subjects.repository';
import type { Source } from './sources/source';
import { SourceManager } from './services/sources.service';
import { listSubjects } from './db/repositories/subjects.repository';
import { version } from './version';

export interface Earshot {
  url: string;
  /** Set on the first start of an empty database: the admin account created, with its password when generated. */
  firstAdmin: FirstAdmin | null;
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
  /** How often the derive step and alert delivery run (ms). */
  deriveIntervalMs?: number;
}

export async function startEarshot(config: Config, options: StartOptions = {}): Promise<Earshot> {
  const demo = config.demo.enabled && !options.sources;
  // The demo runs the whole server on its accelerated clock (see demo-clock.ts).
  const clock = options.clock ?? (demo ? demoClock(config.demo.speed) : systemClock);
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) logger.info({ applied }, 'database migrated');
    const firstAdmin = await ensureFirstAdmin(database.db, config);
    // Stored credentials (webhook secrets...) are sealed with this key; never logged, never returned.
    const secrets = secretBox(loadSecretKey(config).key);
    const events = new EventHub();
    const sources: Source[] = options.sources ?? [];
    if (demo) {
      const source = new DemoSource({ seed: config.demo.seed });
      // First start on an empty database: the demo brings its company, suppliers and product.
      if ((await countSubjects(database.db)) === 0) {
        for (const s of source.subjects) await insertSubject(database.db, { kind: s.kind, name: s.name, query: s.query, aliases: s.aliases, handles: s.handles, attributes: s.attributes });
        logger.info({ subjects: source.subjects.length }, 'demo subjects created');
      }
      sources.push(source);
    }
    const engines = new Engines(database.db, logger);
    await engines.reload();
    // Arrivals per source teach the silence check each source's usual quiet (server/analysis/silence.ts).
    let silence: SilenceWatcher | null = null;
    const runner = new SourceRunner({ db: database.db, analyzer: () => engines.analyzer, clock, logger, events, onStored: (id, r) => silence?.record(id, r.stored.length) }, sources);
    silence = new SilenceWatcher({ db: database.db, clock, logger, sources: () => runner.health() });
    await silence.load();
    const watcher = silence;
    const sourceManager = new SourceManager({
      db: database.db,
      secrets,
      runner,
      logger,
      sourceDeps: { clock, logger, subjects: async () => (await listSubjects(database.db)).map((s) => ({ id: s.id, name: s.name, query: s.query })) },
    });
    await sourceManager.startConfigured();
    if (!options.sources && !(await sourceManager.list()).some((s) => s.kind === 'x')) {
      const id = sourceManager.startFromEnvironment(config.x);
      if (id) logger.info({ source: id }, 'X source from X_BEARER_TOKEN started');
    }
    const deriver = new Deriver({ db: database.db, clock, logger, events }, { sources: () => watcher.inputs() });
    const mailer = config.mail.smtpUrl ? new Mailer(config.mail.smtpUrl, config.mail.from) : null;
    const app = createApp({
      database,
      logger,
      version,
      sourceHealth: () => runner.health(),
      webDir: config.webDir,
      trustProxy: config.trustProxy,
      // Sessions and rate limits run on wall-clock time, never the demo's accelerated clock.
      auth: { database },
      routers: apiRouters({ database, clock, events, engines, secrets, sources: sourceManager, mailer }),
    });
    const server = await listen(app, config.port, config.host);
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
    const dispatcher = new AlertDispatcher(
      { db: database.db, clock, logger, publicUrl: config.publicUrl ?? `http://${host}:${port}` },
      { webhook: webhookNotifier(() => clock.now()), slack: slackNotifier, email: emailNotifier(mailer) },
      secrets,
    );
    runner.start();
    deriver.start(options.deriveIntervalMs ?? 5_000);
    dispatcher.start(options.deriveIntervalMs ?? 5_000);
    // Reply sends a previous process left half done are settled by asking each network (no double posts).
    void reconcileUnsettled({ db: database.db, senders: new ReplyAccounts(database.db, secrets), now: () => clock.now() }, 0)
      .then((counts) => {
        if (counts.sent + counts.failed + counts.unconfirmed > 0) logger.info({ counts }, 'unsettled reply sends reconciled');
      })
      .catch((err: unknown) => logger.error({ err }, 'reconciling unsettled reply sends failed'));
    return {
      url: `http://${host}:${port}`,
      firstAdmin,
      database,
      events,
      runner,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await runner.stop();
        await deriver.stop();
        await watcher.flush();
        await dispatcher.stop();
        mailer?.close();
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

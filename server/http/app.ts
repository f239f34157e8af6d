/**
 * createApp(deps): the express application, with everything it needs passed in so tests build
 * it against any database and fake sources. It never opens connections or reads config itself.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { DatabaseHandle } from '../db/database';
import type { Logger } from '../logger';
import type { SourceHealth } from '../../shared/api/health';
import { authApi, type AuthDeps } from './auth';
import { apiNotFound, errorHandler } from './errors';
import { healthRoutes } from './routes/health.routes';
import { securityHeaders } from './security-headers';

export interface AppDeps {
  database: DatabaseHandle;
  logger: Logger;
  version: string;
  sourceHealth: () => SourceHealth[];
  /** Express 'trust proxy' (default: loopback proxies only). */
  trustProxy?: string | number | boolean;
  /** Folder of the built dashboard; null serves the API only. */
  webDir: string | null;
  /** More API routers mounted under /api (each module's `xxxRoutes(deps)`). */
  routers?: Router[];
  /** Accounts and access control (server/http/auth); absent: the API is open, as in tests of other modules. */
  auth?: AuthDeps;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => !req.url?.startsWith('/api/') || req.url === '/api/events' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    }),
  );
  app.use(securityHeaders);
  if (deps.auth) app.use('/api', authApi(deps.auth));
  app.use('/api', express.json({ limit: '1mb' }));
  app.use('/api', healthRoutes(deps));
  for (const router of deps.routers ?? []) app.use('/api', router);
  app.use('/api', apiNotFound);
  if (deps.webDir) serveDashboard(app, deps.webDir);
  app.use(errorHandler(deps.logger));
  return app;
}

function serveDashboard(app: Express, webDir: string): void {
  const index = join(webDir, 'index.html');
  app.use(express.static(webDir, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }));
  // SPA fallback: every other GET is a dashboard route the client router resolves.
  app.get(/^(?!\/api\/).*/, (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The dashboard is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}

function noCacheForHtml(res: express.Response, path: string): void {
  if (path.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
  // Vite fingerprints asset names, so they can be cached for good.
  else if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
}

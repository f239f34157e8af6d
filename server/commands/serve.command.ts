import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../cli';
import { loadConfigOrReport } from '../config';

export const command: Command = {
  summary: 'run the API, the dashboard and the enabled sources',
  usage: 'earshot serve [--port N] [--build-if-missing]',
  async run(args) {
    const { values } = parseArgs({ args, options: { port: { type: 'string' }, 'build-if-missing': { type: 'boolean' } } });
    const config = loadConfigOrReport(values.port ? { PORT: values.port } : {});
    if (!config) return 2;
    if (values['build-if-missing'] && !existsSync(join(config.webDir, 'index.html'))) {
      console.log('Building the dashboard (first start only)…');
      const { build } = await import('vite');
      await build({ configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)), logLevel: 'warn', build: { outDir: config.webDir } });
    }
    const { startEarshot } = await import('../main');
    const earshot = await startEarshot(config);
    const db = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.dataDir}`;
    console.log(`\nEarshot is running: open ${earshot.url}\n  database: ${db}\n  demo source: ${config.demo.enabled ? 'on (EARSHOT_DEMO=off to disable)' : 'off'}\n  stop with Ctrl-C\n`);
    const admin = earshot.firstAdmin;
    // Printed once, on the console only (never the log): the generated password of the first admin.
    if (admin?.password) console.log(`  First start: sign in as ${admin.email} with password ${admin.password}\n  (shown once; change it with: npx earshot user reset-password --email ${admin.email})\n`);
    else if (admin) console.log(`  First start: sign in as ${admin.email} with EARSHOT_ADMIN_PASSWORD.\n`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          console.error('Forced exit.');
          process.exit(130);
        }
        stopping = true;
        console.log(`\n${signal}: shutting down cleanly…`);
        earshot.close().then(resolve, (e) => {
          console.error('Shutdown failed:', e);
          resolve();
        });
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};

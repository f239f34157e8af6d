import type { Command } from '../cli';
import { loadConfigOrReport } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';

export const command: Command = {
  summary: 'apply pending database migrations and exit',
  usage: 'earshot migrate',
  async run() {
    const config = loadConfigOrReport();
    if (!config) return 2;
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    try {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      return 0;
    } finally {
      await database.close();
    }
  },
};

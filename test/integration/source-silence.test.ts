/**
 * The whole server (main.ts's wiring) with a source the test controls and a clock it moves: a
 * source that goes quiet for longer than it ever does raises a `source_silent` alert, and its first
 * post back clears it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startEarshot } from '../../server/main';
import type { PolledSource } from '../../server/sources/source';
import { makePost } from '../support/posts';

const HOUR = 3_600_000;

test('a source that stops sending raises "source silent", cleared when it resumes', async () => {
  let now = Date.parse('2026-03-02T00:00:00Z');
  const clock = { now: () => new Date(now), sleep: (_ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => { const t = setTimeout(resolve, 5); signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true }); }) };
  let flowing = true;
  let seq = 0;
  const feed: PolledSource = {
    type: 'polled',
    id: 'rss:trade-news',
    intervalMs: 60_000,
    async pull(cursor) {
      if (!flowing) return { posts: [], cursor, more: false };
      const n = seq++;
      return { posts: [makePost({ source: 'rss:trade-news', nativeId: `e${n}`, text: `trade news ${n}`, createdAt: new Date(now) })], cursor: { n }, more: false };
    },
  };
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', EARSHOT_DEMO: 'off', EARSHOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'earshot-silence-')), EARSHOT_SECRET_KEY: 'silence test key material, 32+ characters', EARSHOT_ADMIN_EMAIL: 'admin@example.test', EARSHOT_ADMIN_PASSWORD: 'a long enough password' });
  const app = await startEarshot(config, { clock, logger: createLogger('silent'), sources: [feed], deriveIntervalMs: 10 });
  const silentAlerts = () => app.database.db.selectFrom('alerts').select(['status', 'source']).where('kind', '=', 'source_silent').execute();
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 2000 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
    return check();
  };
  try {
    // Two days of posts every hour teach it that this source is never quiet for long.
    for (let h = 0; h < 48; h++) {
      now += HOUR;
      const before = seq;
      await until(async () => seq > before);
    }
    flowing = false;
    now += HOUR;
    await new Promise((r) => setTimeout(r, 300));
    expect(await silentAlerts()).toEqual([]);
    now += 3 * HOUR;
    expect(await until(async () => (await silentAlerts()).some((a) => a.status === 'open'))).toBe(true);
    expect(await silentAlerts()).toEqual([{ status: 'open', source: 'rss:trade-news' }]);
    // Detection also judges the bucket still filling: the first post back clears it at the next tick.
    flowing = true;
    now += 60_000;
    expect(await until(async () => (await silentAlerts()).every((a) => a.status === 'resolved'))).toBe(true);
    expect((await silentAlerts()).length).toBe(1);
  } finally {
    await app.close();
  }
}, 120_000);

import { describe, expect, test } from 'vitest';
import type { Clock } from '../../server/clock';
import { SourceHealthTracker } from '../../server/sources/health';
import { DemoSource } from '../../server/sources/demo/demo.source';
import { generateScenario } from '../../server/sources/demo/scenario';

const start = new Date('2026-03-01T00:00:00Z');
const scenario = generateScenario({ seed: 7, start, days: 21 });

describe('the demo scenario', () => {
  test('the same seed gives the same posts; another seed different ones', () => {
    const again = generateScenario({ seed: 7, start, days: 21 });
    expect(JSON.stringify(again.posts.slice(0, 500))).toBe(JSON.stringify(scenario.posts.slice(0, 500)));
    expect(generateScenario({ seed: 8, start, days: 2 }).posts[0]!.post.text).not.toBe(scenario.posts[0]!.post.text);
  });

  test('every incident kind happens, and its posts come after onset from many distinct people', () => {
    expect(scenario.incidents.map((i) => i.kind).sort()).toEqual(['billing_dispute', 'defect_wave', 'delivery_outage', 'viral_praise']);
    for (const inc of scenario.incidents) {
      const posts = scenario.posts.filter((p) => p.truth.incidentId === inc.id);
      expect(posts.length).toBeGreaterThan(50);
      // Originals belong to the incident window; reposts may amplify them later.
      expect(posts.filter((p) => p.post.kind !== 'repost').every((p) => p.post.createdAt >= inc.onset && p.post.createdAt <= inc.end)).toBe(true);
      expect(new Set(posts.map((p) => p.post.author.id)).size).toBeGreaterThan(posts.length * 0.4);
    }
  });

  test("each incident reports its first emitted post, which comes at or after onset and within the onset's hour or the next", () => {
    for (const inc of scenario.incidents) {
      const first = scenario.posts.find((p) => p.truth.incidentId === inc.id);
      expect(inc.firstPostAt).toEqual(first?.post.createdAt);
      const lag = (inc.firstPostAt?.getTime() ?? Infinity) - inc.onset.getTime();
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(2 * 3_600_000);
    }
  });

  test('nights are quieter than afternoons', () => {
    const byHour = new Array(24).fill(0);
    for (const p of scenario.posts) byHour[p.post.createdAt.getUTCHours()]++;
    expect(byHour[3]! * 3).toBeLessThan(byHour[15]!);
  });

  test('ids are unique, posts are in time order, reposts point at earlier posts', () => {
    const ids = new Set(scenario.posts.map((p) => p.post.nativeId));
    expect(ids.size).toBe(scenario.posts.length);
    const seen = new Set<string>();
    let last = 0;
    for (const p of scenario.posts) {
      expect(p.post.createdAt.getTime()).toBeGreaterThanOrEqual(last);
      last = p.post.createdAt.getTime();
      if (p.post.kind === 'repost') expect(seen.has(p.post.repostOfNativeId!)).toBe(true);
      seen.add(p.post.nativeId);
    }
  });

  test('a repost carries the language of its original, foreign posts included', () => {
    const byId = new Map(scenario.posts.map((p) => [p.post.nativeId, p.post]));
    const reposts = scenario.posts.filter((p) => p.post.kind === 'repost').map((p) => p.post);
    for (const r of reposts) expect(r.lang).toBe(byId.get(r.repostOfNativeId!)!.lang);
    expect(reposts.some((r) => r.lang !== 'en')).toBe(true);
  });

  test('each post names a subject it is labelled with, so a query can find it', () => {
    const names: Record<string, RegExp> = { northwind: /northwind/i, kestrel: /kestrel/i, volta: /volta/i, swifthaul: /swift ?haul/i, ledgerly: /ledgerly/i, aero: /aero/i };
    for (const p of scenario.posts.slice(0, 3000)) expect(p.truth.subjectKeys.some((k) => names[k]!.test(p.post.text))).toBe(true);
  });
});

describe('the demo source', () => {
  test('backfills history in batches of at most 1,000, then releases posts as time passes, and resumes exactly', async () => {
    let now = new Date('2026-03-14T12:00:00Z');
    const clock: Clock = { now: () => now, sleep: async () => {} };
    const ctx = { clock, health: new SourceHealthTracker('demo', clock), signal: new AbortController().signal };
    const source = new DemoSource({ seed: 3, historyDays: 2 });
    const released: string[] = [];
    let cursor = null as Awaited<ReturnType<DemoSource['pull']>>['cursor'];
    let more = true;
    while (more) {
      const b = await source.pull(cursor, ctx);
      expect(b.posts.length).toBeLessThanOrEqual(1000);
      expect(b.posts.every((p) => p.createdAt <= now)).toBe(true);
      released.push(...b.posts.map((p) => p.nativeId));
      cursor = b.cursor;
      more = b.more;
    }
    expect(released.length).toBeGreaterThan(2000);
    now = new Date(now.getTime() + 3_600_000);
    // A fresh source (a restart) given the saved cursor continues exactly after the last post.
    const restarted = new DemoSource({ seed: 3, historyDays: 2 });
    const next = await restarted.pull(cursor, ctx);
    const fresh = new DemoSource({ seed: 3, historyDays: 2 });
    let all: string[] = [];
    let c = { ...(cursor as { anchor: string }), index: 0 } as typeof cursor;
    for (;;) {
      const b = await fresh.pull(c, ctx);
      all = all.concat(b.posts.map((p) => p.nativeId));
      c = b.cursor;
      if (!b.more) break;
    }
    expect([...released, ...next.posts.map((p) => p.nativeId)]).toEqual(all.slice(0, released.length + next.posts.length));
    expect(next.posts.length).toBeGreaterThan(0);
  });
});

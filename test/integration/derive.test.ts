import { beforeAll, expect, test } from 'vitest';
import type { Clock } from '../../server/clock';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import { Deriver } from '../../server/pipeline/derive';
import { EventHub } from '../../server/pipeline/events';
import { ingestBatch } from '../../server/pipeline/ingest';
import { createCase } from '../../server/services/cases.service';
import { describeEachDatabase } from '../support/databases';
import { makePost, wordAnalyzer } from '../support/posts';

const HOUR = 3_600_000;

describeEachDatabase('the derive step', (db) => {
  let now = new Date('2026-05-10T12:00:00Z');
  const clock: Clock = { now: () => now, sleep: async () => {} };
  const events = new EventHub();
  const published: string[] = [];
  events.subscribe((e) => published.push(e.type));
  let analyzer: ReturnType<typeof wordAnalyzer>;
  let deriver: Deriver;
  let seq = 0;
  const ingest = (posts: ReturnType<typeof makePost>[]) => ingestBatch(db().db, analyzer, { id: 'test', kind: 'test' }, { posts, cursor: null }, now);
  const post = (text: string, at: Date, author = `a${seq}`) => makePost({ nativeId: `d${seq++}`, text, createdAt: at, author: { id: author, handle: author, name: null, followers: null } });

  beforeAll(async () => {
    const k = await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel', query: 'kestrel' });
    analyzer = wordAnalyzer({ kestrel: k.id });
    deriver = new Deriver({ db: db().db, clock, logger: createLogger('silent'), events });
  });

  test('complaints about the same problem form one issue; other problems stay apart; praise is not grouped', async () => {
    const t = new Date(now.getTime() - 2 * HOUR);
    await ingest([
      post('bad kestrel housing cracked after a week', t),
      post('bad kestrel, my housing is cracked, batch 42', t),
      post('bad kestrel: cracked housing again', t),
      post('bad kestrel invoice paid late, still waiting for payment', t),
      post('good kestrel, love it', t),
    ]);
    const r = await deriver.runOnce();
    expect(r.grouped).toBe(5);
    const issues = await db().db.selectFrom('issues').selectAll().orderBy('posts', 'desc').execute();
    expect(issues.map((i) => i.posts)).toEqual([3, 1]);
    expect(issues[0]!.label).toMatch(/crack|housing/i);
    expect(issues[0]!.distinct_authors).toBe(3);
    const linked = await db().db.selectFrom('post_issues').select('post_id').execute();
    expect(linked).toHaveLength(4);
    expect(published).toContain('issue');
  });

  test('running derive again changes nothing', async () => {
    const before = await db().db.selectFrom('issues').select(['id', 'posts', 'distinct_authors']).orderBy('id').execute();
    const r = await deriver.runOnce();
    expect(r.grouped).toBe(0);
    expect(await db().db.selectFrom('issues').select(['id', 'posts', 'distinct_authors']).orderBy('id').execute()).toEqual(before);
  });

  test("a follow-up post from a case's author joins the open case", async () => {
    const first = await ingest([post('bad kestrel, where is my refund?', new Date(now.getTime() - HOUR), 'carol')]);
    const caseId = await createCase(db().db, { postIds: [first.stored[0]!.id], tags: [], kind: 'customer' }, null, now);
    await ingest([post('kestrel still no refund, any update?', new Date(now.getTime() - HOUR / 2), 'carol')]);
    await deriver.runOnce();
    const links = await db().db.selectFrom('case_links').select('post_id').where('case_id', '=', caseId).execute();
    expect(links).toHaveLength(2);
    const events = await db().db.selectFrom('case_events').select('type').where('case_id', '=', caseId).execute();
    expect(events.map((e) => e.type)).toContain('follow_up');
  });

  test('after a day of normal chatter, a sudden wave of distinct complainers raises one alert that says why', async () => {
    // Two quiet days: a post every 30 minutes from varied authors.
    const start = new Date('2026-05-11T00:00:00Z');
    const history = Array.from({ length: 96 }, (_, i) => post(i % 3 ? 'kestrel is fine' : 'bad kestrel meh', new Date(start.getTime() + i * 30 * 60_000)));
    await ingest(history);
    now = new Date('2026-05-13T00:00:00Z');
    await deriver.runOnce();
    // (The follow-up test's case is days past its SLA by now: its breach alert is not this test's subject.)
    expect(await db().db.selectFrom('alerts').selectAll().where('kind', '<>', 'sla_breach').execute()).toEqual([]);
    // Then 40 different people in ten minutes.
    const wave = Array.from({ length: 40 }, (_, i) => post('bad kestrel housing cracked, batch 42', new Date(now.getTime() + i * 15_000)));
    await ingest(wave);
    now = new Date('2026-05-13T00:15:00Z');
    await deriver.runOnce();
    const alerts = await db().db.selectFrom('alerts').selectAll().where('status', '=', 'open').execute();
    const kinds = alerts.map((a) => a.kind).sort();
    expect(kinds).toContain('volume_spike');
    expect(new Set(alerts.map((a) => a.condition_key)).size).toBe(alerts.length);
    const spike = alerts.find((a) => a.kind === 'volume_spike')!;
    expect(spike.observed).toBeGreaterThan(spike.expected * 5);
    expect((spike.why as { distinctAuthors: number }).distinctAuthors).toBeGreaterThanOrEqual(20);
    // The wave keeps going: the same alert is updated, not repeated.
    await ingest(Array.from({ length: 30 }, (_, i) => post('bad kestrel cracked housing batch 42', new Date(now.getTime() + i * 10_000))));
    now = new Date('2026-05-13T00:25:00Z');
    await deriver.runOnce();
    const again = await db().db.selectFrom('alerts').select('condition_key').where('status', '=', 'open').execute();
    expect(again.filter((a) => a.condition_key === spike.condition_key)).toHaveLength(1);
    expect(published).toContain('alert');
  });
});

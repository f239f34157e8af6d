/**
 * The built-in demo source: replays an endless seeded scenario. On first start, `historyDays` of
 * past posts are backfilled at once (batches of at most 1,000); then posts are released as the
 * server's clock passes their time. An incident is scheduled shortly after the first start, so a
 * person who runs `npm start` sees a spike and an alert within minutes. The cursor (posts released
 * and the scenario's anchor) makes a restart resume exactly where it stopped.
 */
import type { Cursor, PolledSource, SourceBatch, SourceContext } from '../source';
import { defaultIncidents, iterateScenarioPosts, type DemoPost, type IncidentSpec } from './scenario';
import { DEMO_SUBJECTS } from './vocabulary';

const DAY = 86_400_000;
const MAX_BATCH = 1000;

export interface DemoSourceOptions {
  seed: number;
  /** Days of history before the first start. */
  historyDays?: number;
  /** Minutes after the first start when the live incident begins. */
  liveIncidentAfterMin?: number;
  postsPerDay?: number;
}

interface DemoCursor {
  anchor: string;
  index: number;
}

export class DemoSource implements PolledSource {
  readonly type = 'polled' as const;
  readonly id = 'demo';
  readonly intervalMs = 30_000;
  readonly subjects = DEMO_SUBJECTS;
  private iterator: { anchor: string; index: number; it: Iterator<DemoPost>; peeked: DemoPost | null } | null = null;

  constructor(private readonly options: DemoSourceOptions) {}

  async pull(cursor: Cursor, ctx: SourceContext): Promise<SourceBatch & { more: boolean }> {
    const now = ctx.clock.now();
    const saved = parseCursor(cursor) ?? { anchor: now.toISOString(), index: 0 };
    const it = this.iteratorAt(saved);
    const posts = [];
    while (posts.length < MAX_BATCH) {
      const next = it.peeked ?? it.it.next().value ?? null;
      it.peeked = next;
      if (!next || next.post.createdAt > now) break;
      posts.push(next.post);
      it.peeked = null;
      it.index++;
    }
    const upcoming = it.peeked ?? it.it.next().value ?? null;
    it.peeked = upcoming;
    ctx.health.recordSuccess();
    const last = posts[posts.length - 1];
    if (last) ctx.health.recordCursorTime(last.createdAt);
    return { posts, cursor: { anchor: saved.anchor, index: it.index } satisfies DemoCursor, more: upcoming !== null && upcoming.post.createdAt <= now };
  }

  /** The scenario around an anchor (the first start): its incidents, for tests and the README. */
  incidents(anchor: Date): IncidentSpec[] {
    return this.schedule(anchor);
  }

  private schedule(anchor: Date): IncidentSpec[] {
    const history = this.options.historyDays ?? 13;
    const start = new Date(anchor.getTime() - history * DAY);
    const live: IncidentSpec = { kind: 'defect_wave', onset: new Date(anchor.getTime() + (this.options.liveIncidentAfterMin ?? 20) * 60_000) };
    // History keeps the other incident kinds; the live one is the defect wave.
    const past = defaultIncidents(this.options.seed, start, history).filter((i) => i.onset < anchor && i.kind !== 'defect_wave');
    const later = defaultIncidents(this.options.seed, new Date(anchor.getTime() + DAY), Infinity);
    return [...past, live, ...later];
  }

  private iteratorAt(c: DemoCursor) {
    if (this.iterator && this.iterator.anchor === c.anchor && this.iterator.index === c.index) return this.iterator;
    const anchor = new Date(c.anchor);
    const history = this.options.historyDays ?? 13;
    const it = iterateScenarioPosts({
      seed: this.options.seed,
      start: new Date(anchor.getTime() - history * DAY),
      days: Infinity,
      postsPerDay: this.options.postsPerDay,
      incidents: this.schedule(anchor),
    });
    // Resuming: regenerate and skip what was released (generation is fast and deterministic).
    for (let i = 0; i < c.index; i++) it.next();
    this.iterator = { anchor: c.anchor, index: c.index, it, peeked: null };
    return this.iterator;
  }
}

function parseCursor(c: Cursor): DemoCursor | null {
  if (c && typeof c.anchor === 'string' && typeof c.index === 'number' && !Number.isNaN(Date.parse(c.anchor))) return { anchor: c.anchor, index: c.index };
  return null;
}

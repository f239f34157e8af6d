/**
 * The X source: recent-search polling (a PolledSource), the filtered stream (a StreamSource), or
 * both in one StreamSource that shares one cursor and one read budget. Posts and the cursor that
 * covers them go to the pipeline together; errors become source health, never a crash.
 */
import type { TwitterApiReadOnly } from 'twitter-api-v2';
import type { XSourceConfig } from '../../../shared/api/sources';
import type { SourceDeps } from '../registry';
import type { Cursor, NormalizedPost, PolledSource, SourceBatch, SourceContext, StreamSource } from '../source';
import { backoffDelay } from '../backoff';
import { makeXClient } from './x.client';
import { parseXCursor, snapshotCursor, type XCursor } from './x.cursor';
import { XSourceError } from './x.errors';
import { RateGate } from './x.rate-gate';
import { XSearchReader } from './x.search';
import { XStreamReader } from './x.stream';

/** Knobs tests turn; production uses the defaults. */
export interface XSourceOptions {
  /** An already made client (tests); otherwise one is made from the token and `config.apiBase`. */
  client?: TwitterApiReadOnly;
  firstRoundPages?: number;
  keepAliveMs?: number;
  rulesRefreshMs?: number;
  stableMs?: number;
  random?: () => number;
}

export function createXSource(id: string, config: XSourceConfig, secrets: { bearerToken: string }, deps: Pick<SourceDeps, 'subjects'>, options: XSourceOptions = {}): PolledSource | StreamSource {
  const client = options.client ?? makeXClient(secrets.bearerToken, config.apiBase).readOnly;
  const search = new XSearchReader({
    sourceId: id,
    client,
    subjects: deps.subjects,
    gate: new RateGate(),
    monthlyReadBudget: config.monthlyReadBudget,
    firstRoundPages: options.firstRoundPages ?? 10,
  });
  if (config.mode === 'search') return new XSearchSource(id, config.pollIntervalSeconds * 1000, search);
  const stream = new XStreamReader({
    sourceId: id,
    client,
    subjects: deps.subjects,
    monthlyReadBudget: config.monthlyReadBudget,
    keepAliveMs: options.keepAliveMs ?? 30_000,
    rulesRefreshMs: options.rulesRefreshMs ?? config.pollIntervalSeconds * 1000,
    stableMs: options.stableMs ?? 60_000,
    random: options.random,
  });
  return new XStreamSource(id, config.pollIntervalSeconds * 1000, stream, config.mode === 'both' ? search : null);
}

export class XSearchSource implements PolledSource {
  readonly type = 'polled' as const;

  constructor(
    readonly id: string,
    readonly intervalMs: number,
    private readonly reader: XSearchReader,
  ) {}

  async pull(cursor: Cursor, ctx: SourceContext): Promise<SourceBatch & { more: boolean }> {
    const state = parseXCursor(cursor, ctx.clock.now());
    const page = await this.reader.nextPage(state, ctx);
    recordNewest(page.posts, ctx);
    return { posts: page.posts, cursor: snapshotCursor(state) as unknown as Cursor, more: page.more };
  }
}

const SEARCH_RETRY = { baseMs: 1000, capMs: 5 * 60_000 };

export class XStreamSource implements StreamSource {
  readonly type = 'stream' as const;

  constructor(
    readonly id: string,
    private readonly intervalMs: number,
    private readonly stream: XStreamReader,
    private readonly search: XSearchReader | null,
  ) {}

  async run(cursor: Cursor, emit: (batch: SourceBatch) => Promise<void>, ctx: SourceContext): Promise<void> {
    const state = parseXCursor(cursor, ctx.clock.now());
    // One writer at a time: each batch carries a snapshot of the shared cursor taken when it is stored.
    let queue: Promise<void> = Promise.resolve();
    const store = (posts: NormalizedPost[], apply?: () => void): Promise<void> => {
      const next = queue.then(async () => {
        apply?.();
        recordNewest(posts, ctx);
        await emit({ posts, cursor: snapshotCursor(state) as unknown as Cursor });
      });
      queue = next.catch(() => {});
      return next;
    };
    await Promise.all([this.stream.run(state, (posts) => store(posts), ctx), this.search ? this.pollLoop(state, store, ctx) : null]);
  }

  /** Search beside the stream (mode 'both'): catches what the stream missed while disconnected. */
  private async pollLoop(state: XCursor, store: (posts: NormalizedPost[], apply?: () => void) => Promise<void>, ctx: SourceContext): Promise<void> {
    let failures = 0;
    while (!ctx.signal.aborted) {
      try {
        // Read into a copy and merge it when the page is stored, so a stream batch stored meanwhile
        // never carries a since_id whose posts are not stored yet.
        const work = snapshotCursor(state);
        const usedBefore = work.budget.used;
        const page = await this.search!.nextPage(work, ctx);
        await store(page.posts, () => {
          state.search = work.search;
          state.budget.used += work.budget.month === state.budget.month ? work.budget.used - usedBefore : 0;
        });
        failures = 0;
        if (!page.more) await ctx.clock.sleep(this.intervalMs, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted) return;
        ctx.health.recordError(error instanceof XSourceError ? error.message : error);
        await ctx.clock.sleep(backoffDelay(failures++, SEARCH_RETRY), ctx.signal).catch(() => {});
      }
    }
  }
}

function recordNewest(posts: NormalizedPost[], ctx: SourceContext): void {
  const newest = posts.reduce<Date | null>((m, p) => (!m || p.createdAt > m ? p.createdAt : m), null);
  if (newest) ctx.health.recordCursorTime(newest);
}

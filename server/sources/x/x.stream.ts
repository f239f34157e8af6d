/**
 * The filtered stream: keeps the stream's rules in line with the subjects' queries, connects, hands
 * posts over in batches, and reconnects with its own capped exponential backoff with jitter. The
 * library's auto-reconnect is off: it retries a server that accepts and drops at once about 150
 * times a second, because every successful connect resets its counter. Here the counter resets only
 * after a connection stayed up for a while, so such a server gets a handful of attempts a minute.
 */
import { ETwitterStreamEvent, type TweetV2SingleStreamResult, type TwitterApiReadOnly } from 'twitter-api-v2';
import { backoffDelay } from '../backoff';
import type { SubjectQuery } from '../registry';
import type { NormalizedPost, SourceContext } from '../source';
import { budgetLeft, nextMonthStart, rollBudget, type XCursor } from './x.cursor';
import { X_POST_FIELDS } from './x.client';
import { classifyXError, type XFailure } from './x.errors';
import { reportBudget, setCounter } from './x.health';
import { newerId, normalizeTweet, usersById } from './x.normalize';
import { planRules, streamRules } from './x.rules';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Batches handed to the pipeline at most this big (ingest's own limit). */
const MAX_BATCH = 1000;

export interface XStreamOptions {
  sourceId: string;
  client: TwitterApiReadOnly;
  subjects: () => Promise<SubjectQuery[]>;
  monthlyReadBudget: number | null;
  /** A connection without a byte (X sends a CRLF every 20 s) for this long is dead. */
  keepAliveMs: number;
  /** How often rules are re-synced while connected, and how long to wait when there are none. */
  rulesRefreshMs: number;
  /** A connection that lasted this long counts as healthy: the next failure starts backoff afresh. */
  stableMs: number;
  random?: () => number;
}

/** Why a connection ended, and so how long to wait before the next. */
type Ending = { reason: 'dropped' } | { reason: 'failed'; failure: XFailure } | { reason: 'stopped' } | { reason: 'budget' };

export class XStreamReader {
  constructor(private readonly options: XStreamOptions) {}

  /**
   * Runs until `ctx.signal` aborts. `emit` stores a batch (and the cursor in `state`); it is never
   * called again before the previous call resolved.
   */
  async run(state: XCursor, emit: (posts: NormalizedPost[]) => Promise<void>, ctx: SourceContext): Promise<void> {
    const { clock, signal, health } = ctx;
    let attempt = 0;
    while (!signal.aborted) {
      rollBudget(state, clock.now());
      reportBudget(state, this.options.monthlyReadBudget, health);
      if (budgetLeft(state, this.options.monthlyReadBudget) <= 0) {
        const opens = nextMonthStart(clock.now());
        health.recordError(`The monthly read budget of ${this.options.monthlyReadBudget} posts is used up; the X stream reconnects on ${opens.toISOString().slice(0, 10)}`);
        await sleep(ctx, opens.getTime() - clock.now().getTime());
        continue;
      }

      let ending: Ending;
      const started = clock.now().getTime();
      try {
        const rules = await this.syncRules(ctx);
        if (rules === 0) {
          // X answers 409 to a stream without rules; wait for a subject instead of asking.
          health.recordSuccess();
          await sleep(ctx, this.options.rulesRefreshMs);
          continue;
        }
        ending = await this.connectOnce(state, emit, ctx);
      } catch (error) {
        ending = { reason: 'failed', failure: classifyXError(error) };
      }
      if (ending.reason === 'stopped' || signal.aborted) return;
      if (ending.reason === 'budget') continue;
      if (clock.now().getTime() - started >= this.options.stableMs) attempt = 0;
      if (ending.reason === 'failed') health.recordError(ending.failure.message);
      health.recordReconnect();
      health.count('reconnects');
      await sleep(ctx, this.delay(ending, attempt++, clock.now()));
    }
  }

  /** Equal jitter (half fixed, half random) on a capped exponential: attempt n waits at least half its ceiling. */
  private delay(ending: Extract<Ending, { reason: 'dropped' | 'failed' }>, attempt: number, now: Date): number {
    const kind = ending.reason === 'dropped' ? 'network' : ending.failure.kind;
    // X's guidance: reconnect soon after a drop (growing to 16 s), HTTP errors from 5 s to 320 s,
    // 429 from a minute; a usage cap or a refused token will not clear in seconds.
    const [baseMs, capMs] =
      kind === 'network' ? [SECOND, 16 * SECOND]
      : kind === 'rate-limit' || kind === 'too-many-connections' ? [MINUTE, 15 * MINUTE]
      : kind === 'usage-cap' ? [60 * MINUTE, 60 * MINUTE]
      : kind === 'auth' || kind === 'forbidden' ? [MINUTE, 15 * MINUTE]
      : [5 * SECOND, 320 * SECOND];
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
    let ms = backoffDelay(attempt, { baseMs, capMs, minMs: ceiling / 2 }, this.options.random);
    if (ending.reason === 'failed' && kind === 'rate-limit' && ending.failure.resetAt) ms = Math.max(ms, ending.failure.resetAt.getTime() - now.getTime());
    return ms;
  }

  /** Makes the stream's Earshot rules exactly the subjects' rules; returns how many rules the stream has. */
  async syncRules(ctx: SourceContext): Promise<number> {
    const client = this.options.client;
    const compiled = streamRules(await this.options.subjects());
    setCounter(ctx.health, 'query_errors', compiled.errors.length);
    const existing = (await client.v2.streamRules()).data ?? [];
    const plan = planRules(compiled.queries, existing);
    if (plan.deleteIds.length) await client.v2.updateStreamRules({ delete: { ids: plan.deleteIds } });
    let created = 0;
    if (plan.add.length) {
      const result = await client.v2.updateStreamRules({ add: plan.add });
      created = result.meta.summary.created;
      if (result.meta.summary.not_created > 0) ctx.health.recordError(`X refused ${result.meta.summary.not_created} stream rule(s)`);
    }
    if (plan.dropped > 0) ctx.health.recordError(`${plan.dropped} stream rule(s) left out: X allows 1,000 per app`);
    setCounter(ctx.health, 'stream_rules', existing.length - plan.deleteIds.length + created);
    return existing.length - plan.deleteIds.length + created;
  }

  /** One connection, from connect to close: resolves with why it ended; a failed connect throws. */
  private async connectOnce(state: XCursor, emit: (posts: NormalizedPost[]) => Promise<void>, ctx: SourceContext): Promise<Ending> {
    const { health, clock, signal } = ctx;
    const stream = this.options.client.v2.searchStream({ ...X_POST_FIELDS, autoConnect: false });
    const pending: NormalizedPost[] = [];
    let flushing: Promise<void> | null = null;
    let dataError: XFailure | null = null;
    const flush = () => {
      flushing ??= (async () => {
        try {
          while (pending.length > 0 && !signal.aborted) await emit(pending.splice(0, MAX_BATCH));
        } catch (error) {
          // Only an abort gets here (the runner retries storage itself): the connection is closed below.
          if (!signal.aborted) health.recordError(error);
        } finally {
          flushing = null;
        }
      })();
    };
    const recent = new Set<string>();

    stream.on(ETwitterStreamEvent.Data, (message: TweetV2SingleStreamResult) => {
      if (!message?.data?.id) {
        health.count('malformed_messages');
        return;
      }
      state.budget.used++;
      if (recent.has(message.data.id)) {
        health.count('duplicates_skipped');
        return;
      }
      recent.add(message.data.id);
      if (recent.size > 10_000) recent.delete(recent.values().next().value!);
      pending.push(normalizeTweet(this.options.sourceId, message.data, usersById(message.includes?.users), clock.now()));
      state.streamNewestId = newerId(state.streamNewestId, message.data.id) ?? undefined;
      flush();
      // Messages already in flight are paid for and kept; no more are read this month.
      if (budgetLeft(state, this.options.monthlyReadBudget) <= 0) stream.close();
    });
    stream.on(ETwitterStreamEvent.TweetParseError, () => health.count('malformed_lines'));
    stream.on(ETwitterStreamEvent.DataError, (payload: { errors?: Array<{ title?: string; detail?: string }> }) => {
      const first = payload?.errors?.[0];
      dataError = { kind: 'unavailable', status: null, resetAt: null, message: `X ended the stream: ${first?.title ?? 'error'}${first?.detail ? ` (${first.detail})` : ''}` };
      health.count('stream_errors');
      // X closes after an in-stream error; the library does not, so close it here.
      stream.close();
    });
    stream.on(ETwitterStreamEvent.ConnectionLost, () => health.count('keepalive_timeouts'));

    const closed = new Promise<void>((resolve) => stream.on(ETwitterStreamEvent.ConnectionClosed, () => resolve()));
    const onAbort = () => stream.close();
    if (signal.aborted) return { reason: 'stopped' };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await stream.connect({ autoReconnect: false, keepAliveTimeout: this.options.keepAliveMs });
      // A stop while connecting closed nothing yet: the connection is new.
      if (signal.aborted) return { reason: 'stopped' };
      health.recordSuccess();
      health.count('connections');
      const refresh = this.refreshRules(ctx, closed);
      await closed;
      await refresh;
      while (flushing) await flushing;
      if (signal.aborted) return { reason: 'stopped' };
      if (budgetLeft(state, this.options.monthlyReadBudget) <= 0) return { reason: 'budget' };
      return dataError ? { reason: 'failed', failure: dataError } : { reason: 'dropped' };
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.destroy();
    }
  }

  /** Re-syncs rules while connected, so a subject edit takes effect without a reconnect. */
  private async refreshRules(ctx: SourceContext, closed: Promise<void>): Promise<void> {
    const ended = new AbortController();
    void closed.then(() => ended.abort());
    const signal = AbortSignal.any([ctx.signal, ended.signal]);
    while (!signal.aborted) {
      try {
        await ctx.clock.sleep(this.options.rulesRefreshMs, signal);
        await this.syncRules(ctx);
      } catch (error) {
        if (!signal.aborted) ctx.health.recordError(classifyXError(error).message);
      }
    }
  }
}

async function sleep(ctx: SourceContext, ms: number): Promise<void> {
  await ctx.clock.sleep(Math.max(0, ms), ctx.signal).catch(() => {});
}

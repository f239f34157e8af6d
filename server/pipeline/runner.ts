/**
 * Runs every source: loads its saved cursor, pulls or streams batches, stores each batch with its
 * cursor (ingestBatch), and keeps going through errors with capped backoff. A database that is down
 * holds the source back (its batch is retried, never dropped) rather than losing posts.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import { loadCursor } from '../db/repositories/sources.repository';
import type { Database } from '../db/tables';
import type { Logger } from '../logger';
import { backoffDelay } from '../sources/backoff';
import { SourceHealthTracker } from '../sources/health';
import type { Cursor, Source, SourceBatch, SourceContext } from '../sources/source';
import type { SourceHealth } from '../../shared/api/health';
import type { PostAnalyzer } from './analyzer';
import type { EventHub } from './events';
import { ingestBatch, type IngestResult } from './ingest';

export interface RunnerDeps {
  db: Kysely<Database>;
  /** Called per batch, so a subject edit takes effect on the next batch. */
  analyzer: () => PostAnalyzer;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** Called after every stored batch (the derive step listens here). */
  onStored?: (sourceId: string, result: IngestResult) => void;
}

const RETRY = { baseMs: 1000, capMs: 5 * 60_000 };

/**
 * A failing polled source (a feed that answers 500) is asked again no sooner than its own interval
 * allows, up to a minute, and backs off to at most its interval or five minutes, whichever is longer:
 * polite to a server that is down, quick to notice it is back. Streams reconnect on their own terms.
 */
export function retryFor(source: Source): { baseMs: number; capMs: number; minMs: number } {
  if (source.type !== 'polled') return { ...RETRY, minMs: 100 };
  const floor = Math.min(source.intervalMs, 60_000);
  return { baseMs: Math.max(RETRY.baseMs, floor), capMs: Math.max(RETRY.capMs, source.intervalMs), minMs: Math.max(100, floor / 2) };
}

interface Running {
  source: Source;
  controller: AbortController;
  loop: Promise<void> | null;
}

export class SourceRunner {
  private readonly controller = new AbortController();
  private readonly trackers = new Map<string, SourceHealthTracker>();
  private readonly running = new Map<string, Running>();
  private started = false;

  constructor(
    private readonly deps: RunnerDeps,
    sources: Source[] = [],
  ) {
    for (const s of sources) this.add(s);
  }

  start(): void {
    this.started = true;
    for (const r of this.running.values()) if (!r.loop && !r.controller.signal.aborted) r.loop = this.runSource(r.source, r.controller.signal);
  }

  async stop(): Promise<void> {
    this.controller.abort(new Error('stopping'));
    await Promise.allSettled([...this.running.values()].map((r) => r.loop));
  }

  /** Adds a source at run time (Settings → Sources); a paused one is known, shown, and not run. */
  add(source: Source, options: { paused?: boolean } = {}): void {
    if (this.running.has(source.id)) throw new Error(`source ${source.id} is already running`);
    const tracker = new SourceHealthTracker(source.id, this.deps.clock);
    this.trackers.set(source.id, tracker);
    const controller = new AbortController();
    this.running.set(source.id, { source, controller, loop: null });
    if (options.paused) {
      controller.abort(new Error('paused'));
      tracker.setPaused(true);
    } else if (this.started) {
      this.running.get(source.id)!.loop = this.runSource(source, controller.signal);
    }
  }

  /** Stops a source and forgets it; its stored posts and (unless the caller deletes it) its cursor stay. */
  async remove(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    r.controller.abort(new Error('removed'));
    await r.loop?.catch(() => {});
    this.running.delete(id);
    this.trackers.delete(id);
  }

  /** Pausing finishes the batch in hand (it is stored with its cursor), then stops; resuming starts from that cursor. */
  async setPaused(id: string, paused: boolean): Promise<void> {
    const r = this.running.get(id);
    if (!r) throw new Error(`no source ${id}`);
    const tracker = this.trackers.get(id)!;
    if (paused) {
      r.controller.abort(new Error('paused'));
      await r.loop?.catch(() => {});
      r.loop = null;
      tracker.setPaused(true);
      return;
    }
    if (!r.controller.signal.aborted) return;
    r.controller = new AbortController();
    tracker.setPaused(false);
    if (this.started) r.loop = this.runSource(r.source, r.controller.signal);
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  health(): SourceHealth[] {
    return [...this.trackers.values()].map((t) => t.snapshot());
  }

  healthOf(id: string): SourceHealth | null {
    return this.trackers.get(id)?.snapshot() ?? null;
  }

  private async runSource(source: Source, own: AbortSignal): Promise<void> {
    const health = this.trackers.get(source.id)!;
    const ctx: SourceContext = { clock: this.deps.clock, health, signal: AbortSignal.any([this.controller.signal, own]) };
    const log = this.deps.logger.child({ source: source.id });
    let failures = 0;
    while (!ctx.signal.aborted) {
      try {
        let cursor = await loadCursor(this.deps.db, source.id);
        if (source.type === 'stream') {
          await source.run(cursor, (batch) => this.store(source, batch, ctx), ctx);
          continue;
        }
        // A pause or stop lands between batches: the one in hand is stored with its cursor first.
        while (!ctx.signal.aborted) {
          const batch = await source.pull(cursor, ctx);
          await this.store(source, batch, ctx);
          cursor = batch.cursor;
          failures = 0;
          if (!batch.more) await this.deps.clock.sleep(source.intervalMs, ctx.signal);
        }
      } catch (error) {
        if (ctx.signal.aborted) break;
        health.recordError(error);
        log.warn({ err: error }, 'source failed; retrying');
        await this.deps.clock.sleep(backoffDelay(failures++, retryFor(source)), ctx.signal).catch(() => {});
      }
    }
  }

  /** Stores a batch, retrying while the database is unavailable; the source waits meanwhile. */
  private async store(source: Source, batch: SourceBatch & { more?: boolean }, ctx: SourceContext): Promise<void> {
    const health = ctx.health;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await ingestBatch(this.deps.db, this.deps.analyzer(), { id: source.id, kind: source.type, matchedOnly: source.matchedOnly }, batch, this.deps.clock.now());
        if (result.unmatched) health.count('unmatched_skipped', result.unmatched);
        if (result.edited) health.count('edits_applied', result.edited);
        const newest = batch.posts.reduce<Date | null>((m, p) => (!m || p.createdAt > m ? p.createdAt : m), null);
        health.recordPosts(result.stored.length, newest);
        if (result.stored.length > 0) {
          this.deps.events.publish('posts', { count: result.stored.length, source: source.id, ids: result.stored.map((s) => s.id) });
        }
        this.deps.onStored?.(source.id, result);
        return;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        health.recordError(error);
        this.deps.logger.warn({ err: error, source: source.id, attempt }, 'storing a batch failed; retrying');
        await this.deps.clock.sleep(backoffDelay(attempt, RETRY), ctx.signal);
      }
    }
  }
}

export type { Cursor };

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

export class SourceRunner {
  private readonly controller = new AbortController();
  private readonly trackers = new Map<string, SourceHealthTracker>();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly deps: RunnerDeps,
    private readonly sources: Source[],
  ) {
    for (const s of sources) this.trackers.set(s.id, new SourceHealthTracker(s.id, deps.clock));
  }

  start(): void {
    for (const source of this.sources) this.loops.push(this.runSource(source));
  }

  async stop(): Promise<void> {
    this.controller.abort(new Error('stopping'));
    await Promise.allSettled(this.loops);
  }

  health(): SourceHealth[] {
    return [...this.trackers.values()].map((t) => t.snapshot());
  }

  private async runSource(source: Source): Promise<void> {
    const health = this.trackers.get(source.id)!;
    const ctx: SourceContext = { clock: this.deps.clock, health, signal: this.controller.signal };
    const log = this.deps.logger.child({ source: source.id });
    let failures = 0;
    while (!ctx.signal.aborted) {
      try {
        let cursor = await loadCursor(this.deps.db, source.id);
        if (source.type === 'stream') {
          await source.run(cursor, (batch) => this.store(source, batch, ctx), ctx);
          continue;
        }
        for (;;) {
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
        await this.deps.clock.sleep(backoffDelay(failures++, RETRY), ctx.signal).catch(() => {});
      }
    }
  }

  /** Stores a batch, retrying while the database is unavailable; the source waits meanwhile. */
  private async store(source: Source, batch: SourceBatch & { more?: boolean }, ctx: SourceContext): Promise<void> {
    const health = this.trackers.get(source.id)!;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await ingestBatch(this.deps.db, this.deps.analyzer(), { id: source.id, kind: source.type }, batch, this.deps.clock.now());
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

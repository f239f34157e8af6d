import type { Clock } from '../clock';
import type { SourceHealth } from '../../shared/api/health';

const HOUR = 3_600_000;

/**
 * What a source says about itself while it runs. The runner records posts; the source records
 * errors, reconnects and counters. `snapshot()` is what `/api/health` and Settings show.
 */
export class SourceHealthTracker {
  private paused = false;
  private lastPostAt: Date | null = null;
  private lagMs: number | null = null;
  private lastError: { message: string; at: Date } | null = null;
  private lastSuccessAt: Date | null = null;
  private cursorAt: Date | null = null;
  private readonly reconnects: number[] = [];
  private readonly errors: number[] = [];
  private readonly postTimes: Array<{ at: number; count: number }> = [];
  private readonly counters = new Map<string, number>();

  constructor(
    readonly id: string,
    private readonly clock: Clock,
  ) {}

  recordPosts(count: number, newestCreatedAt: Date | null): void {
    const now = this.clock.now();
    this.lastSuccessAt = now;
    if (count === 0) return;
    this.postTimes.push({ at: now.getTime(), count });
    if (newestCreatedAt && (!this.lastPostAt || newestCreatedAt > this.lastPostAt)) this.lastPostAt = newestCreatedAt;
    if (newestCreatedAt) this.lagMs = Math.max(0, now.getTime() - newestCreatedAt.getTime());
  }

  /** A successful request or connection that carried no posts still proves the source is alive. */
  recordSuccess(): void {
    this.lastSuccessAt = this.clock.now();
  }

  recordError(error: unknown): void {
    const now = this.clock.now();
    this.lastError = { message: errorMessage(error), at: now };
    this.errors.push(now.getTime());
  }

  recordReconnect(): void {
    this.reconnects.push(this.clock.now().getTime());
  }

  recordCursorTime(at: Date | null): void {
    this.cursorAt = at;
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  snapshot(): SourceHealth {
    const now = this.clock.now().getTime();
    prune(this.reconnects, now - HOUR);
    prune(this.errors, now - HOUR);
    while (this.postTimes.length && this.postTimes[0]!.at < now - HOUR) this.postTimes.shift();
    const lastTenMinutes = this.postTimes.filter((p) => p.at >= now - 600_000).reduce((n, p) => n + p.count, 0);
    return {
      id: this.id,
      status: this.status(),
      lastPostAt: this.lastPostAt?.toISOString() ?? null,
      lagMs: this.lagMs,
      postsPerMinute: lastTenMinutes / 10,
      reconnectsLastHour: this.reconnects.length,
      errorsLastHour: this.errors.length,
      lastError: this.lastError ? { message: this.lastError.message, at: this.lastError.at.toISOString() } : null,
      cursorAt: this.cursorAt?.toISOString() ?? null,
      counters: Object.fromEntries(this.counters),
    };
  }

  private status(): SourceHealth['status'] {
    if (this.paused) return 'paused';
    const errorIsLatest = this.lastError && (!this.lastSuccessAt || this.lastError.at >= this.lastSuccessAt);
    if (errorIsLatest) return this.errors.length >= 3 || !this.lastSuccessAt ? 'failing' : 'degraded';
    if (!this.lastSuccessAt) return 'idle';
    return this.errors.length > 0 || this.reconnects.length > 5 ? 'degraded' : 'connected';
  }
}

function prune(times: number[], before: number): void {
  while (times.length && times[0]! < before) times.shift();
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/**
 * Holds requests back until X's rate window resets. twitter-api-v2 never waits on its own (its
 * paginator even stops silently at remaining=0), so every response's x-rate-limit-* headers pass
 * through `observe`, and every request first awaits `wait`.
 */
import type { TwitterRateLimit } from 'twitter-api-v2';
import type { SourceContext } from '../source';

export class RateGate {
  private resumeAt: Date | null = null;

  /** After a response: at remaining=0 the next request waits for the reset. */
  observe(rateLimit: TwitterRateLimit | undefined, now: Date): void {
    if (rateLimit && rateLimit.remaining <= 0) this.block(new Date(rateLimit.reset * 1000), now);
  }

  /** No request before `until` (a reset time, or a pause chosen by the caller). */
  block(until: Date, now: Date): void {
    if (until > now && (!this.resumeAt || until > this.resumeAt)) this.resumeAt = until;
  }

  blockedUntil(now: Date): Date | null {
    return this.resumeAt && this.resumeAt > now ? this.resumeAt : null;
  }

  async wait(ctx: Pick<SourceContext, 'clock' | 'signal'>): Promise<void> {
    for (;;) {
      const until = this.blockedUntil(ctx.clock.now());
      if (!until) return;
      await ctx.clock.sleep(until.getTime() - ctx.clock.now().getTime(), ctx.signal);
    }
  }
}

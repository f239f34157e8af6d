/**
 * The API's rate limit per caller (token, user or, signed out, IP): a token bucket that holds
 * `perMinute` requests and refills continuously, so bursts up to the bucket are fine and a steady
 * flood gets 429 with the seconds to wait.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** 0 when the request may go ahead (and is counted), else the seconds until it may. `perMinute` overrides the limit for this key. */
  take(key: string, now: number, perMinute = this.perMinute): number {
    const rate = perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * rate);
    b.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}

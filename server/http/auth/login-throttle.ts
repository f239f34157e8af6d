/**
 * Login throttling per account and per IP: failures are counted in a sliding window; past the limit
 * each further failure locks the key twice as long as the last (capped). In memory: it resets with
 * the process and is per process, which is enough to make guessing a password impractical.
 */
export interface ThrottleOptions {
  windowMs: number;
  /** Failures per account (e-mail) in the window before lockouts start. */
  accountLimit: number;
  /** Failures per IP in the window: higher, since offices share an address. */
  ipLimit: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Keys tracked at most; the oldest are forgotten first, so random e-mails cannot fill memory. */
  maxKeys: number;
}

export const defaultThrottleOptions: ThrottleOptions = {
  windowMs: 15 * 60_000,
  accountLimit: 5,
  ipLimit: 30,
  baseLockMs: 5_000,
  maxLockMs: 15 * 60_000,
  maxKeys: 50_000,
};

interface KeyState {
  failures: number[];
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly options: ThrottleOptions = defaultThrottleOptions) {}

  /** Milliseconds until `account` / `ip` may try again; 0 when it may now. */
  retryAfter(account: string, ip: string, now: number): number {
    return Math.max(0, ...[`a:${account}`, `i:${ip}`].map((k) => (this.keys.get(k)?.lockedUntil ?? 0) - now));
  }

  fail(account: string, ip: string, now: number): void {
    this.record(`a:${account}`, this.options.accountLimit, now);
    this.record(`i:${ip}`, this.options.ipLimit, now);
  }

  /** A correct password clears the account's record (not the IP's: one success must not hide a spray). */
  succeed(account: string): void {
    this.keys.delete(`a:${account}`);
  }

  private record(key: string, limit: number, now: number): void {
    const state = this.keys.get(key) ?? { failures: [], lockedUntil: 0 };
    this.keys.delete(key);
    state.failures = state.failures.filter((t) => t > now - this.options.windowMs);
    state.failures.push(now);
    const over = state.failures.length - limit;
    if (over >= 0) state.lockedUntil = now + Math.min(this.options.maxLockMs, this.options.baseLockMs * 2 ** Math.min(over, 30));
    this.keys.set(key, state);
    while (this.keys.size > this.options.maxKeys) this.keys.delete(this.keys.keys().next().value!);
  }
}

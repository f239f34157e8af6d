import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../db/database';
import type { Database } from '../../db/tables';
import { defaultThrottleOptions, LoginThrottle, type ThrottleOptions } from './login-throttle';
import { RateLimiter } from './rate-limit';

export interface AuthOptions {
  /** A session unused this long ends (8 h: a working day). */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in however busy (7 days). */
  absoluteTimeoutMs: number;
  /** Requests per minute per token, user or (signed out) IP. */
  rateLimitPerMinute: number;
  throttle: ThrottleOptions;
  /** 'auto': Secure cookies when the request came over HTTPS (directly or via a trusted proxy's X-Forwarded-Proto). */
  secureCookies: 'auto' | 'always';
}

export const defaultAuthOptions: AuthOptions = {
  idleTimeoutMs: 8 * 3_600_000,
  absoluteTimeoutMs: 7 * 86_400_000,
  rateLimitPerMinute: 600,
  throttle: defaultThrottleOptions,
  secureCookies: 'auto',
};

export interface AuthDeps {
  database: DatabaseHandle;
  /** Wall-clock time for sessions and limits: never the demo's accelerated clock. */
  now?: () => Date;
  options?: Partial<AuthOptions>;
}

/** What the gate and the auth routes share: one throttle and one limiter per app. */
export interface AuthContext {
  db: Kysely<Database>;
  now: () => Date;
  options: AuthOptions;
  throttle: LoginThrottle;
  limiter: RateLimiter;
}

export function authContext(deps: AuthDeps): AuthContext {
  const options = { ...defaultAuthOptions, ...deps.options };
  return {
    db: deps.database.db,
    now: deps.now ?? (() => new Date()),
    options,
    throttle: new LoginThrottle(options.throttle),
    limiter: new RateLimiter(options.rateLimitPerMinute),
  };
}

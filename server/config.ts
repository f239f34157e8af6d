/**
 * The only reader of `process.env`. Every variable is parsed and checked here once, at start-up;
 * a bad one stops the process with a message naming each offender. `.env.example` documents them.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  EARSHOT_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EARSHOT_DEMO: flag.default(true),
  EARSHOT_DEMO_SEED: z.coerce.number().int().default(42),
  EARSHOT_DEMO_SPEED: z.coerce.number().positive().max(100_000).default(60),
  EARSHOT_WEB_DIR: z.string().min(1).default('./dist/web'),
  EARSHOT_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  EARSHOT_ADMIN_EMAIL: z.email().optional(),
  EARSHOT_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  X_BEARER_TOKEN: z.string().min(1).optional(),
  X_API_BASE: z.url().optional(),
  X_MONTHLY_READ_BUDGET: z.coerce.number().int().positive().default(10_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  EARSHOT_MAIL_FROM: z.email().default('earshot@localhost'),
  EARSHOT_PUBLIC_URL: z.url().optional(),
  EARSHOT_TRUST_PROXY: z.string().min(1).default('loopback'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
});

export type Config = Readonly<{
  port: number;
  host: string;
  /** Unset: embedded PostgreSQL (PGlite) in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  demo: Readonly<{ enabled: boolean; seed: number; speed: number }>;
  webDir: string;
  secretKey: string | null;
  admin: Readonly<{ email: string | null; password: string | null }>;
  x: Readonly<{ bearerToken: string | null; apiBase: string | null; monthlyReadBudget: number }>;
  mail: Readonly<{ smtpUrl: string | null; from: string }>;
  /** Base URL people open the dashboard at, for links in alerts and e-mails. */
  publicUrl: string | null;
  /** Express 'trust proxy': which proxies' X-Forwarded-For to believe (client IPs for throttling). */
  trustProxy: string | number | boolean;
  env: 'development' | 'production' | 'test';
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses an environment (empty strings count as unset). Throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = result.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: resolve(e.EARSHOT_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    demo: Object.freeze({ enabled: e.EARSHOT_DEMO, seed: e.EARSHOT_DEMO_SEED, speed: e.EARSHOT_DEMO_SPEED }),
    webDir: resolve(e.EARSHOT_WEB_DIR),
    secretKey: e.EARSHOT_SECRET_KEY ?? null,
    admin: Object.freeze({ email: e.EARSHOT_ADMIN_EMAIL ?? null, password: e.EARSHOT_ADMIN_PASSWORD ?? null }),
    x: Object.freeze({ bearerToken: e.X_BEARER_TOKEN ?? null, apiBase: e.X_API_BASE ?? null, monthlyReadBudget: e.X_MONTHLY_READ_BUDGET }),
    mail: Object.freeze({ smtpUrl: e.SMTP_URL ?? null, from: e.EARSHOT_MAIL_FROM }),
    publicUrl: e.EARSHOT_PUBLIC_URL ?? null,
    trustProxy: /^\d+$/.test(e.EARSHOT_TRUST_PROXY) ? Number(e.EARSHOT_TRUST_PROXY) : e.EARSHOT_TRUST_PROXY === 'true' ? true : e.EARSHOT_TRUST_PROXY === 'false' ? false : e.EARSHOT_TRUST_PROXY,
    env: e.NODE_ENV,
  });
}

/** The process's configuration, read from `process.env`. */
export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}

/** For commands: the configuration, or null after printing what is wrong with it. */
export function loadConfigOrReport(overrides: Record<string, string | undefined> = {}): Config | null {
  try {
    return loadConfig(overrides);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return null;
    }
    throw e;
  }
}

import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout. Secrets never reach a log: credentials are not logged and auth headers are redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token', '*.secret'],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}

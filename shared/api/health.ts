import { z } from 'zod';

export const sourceStatus = z.enum(['connected', 'degraded', 'failing', 'paused', 'idle']);

export const sourceHealth = z.object({
  id: z.string(),
  status: sourceStatus,
  lastPostAt: z.string().nullable(),
  /** Milliseconds between a post's creation and its arrival, for the latest batch. */
  lagMs: z.number().nullable(),
  postsPerMinute: z.number(),
  reconnectsLastHour: z.number().int(),
  errorsLastHour: z.number().int(),
  lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
  /** Time the saved cursor points at, when the source's cursor is time-like. */
  cursorAt: z.string().nullable(),
  /** Free-form counters a source reports (skipped frames, budget used...). */
  counters: z.record(z.string(), z.number()),
});
export type SourceHealth = z.infer<typeof sourceHealth>;

export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), reachable: z.boolean(), migrationsCurrent: z.boolean(), pendingMigrations: z.array(z.string()) }),
  sources: z.array(sourceHealth),
  time: z.string(),
});
export type HealthResponse = z.infer<typeof healthResponse>;

import { z } from 'zod';

/** Payloads of the server-sent events at /api/events, by event name. */
export const liveEvents = {
  posts: z.object({ count: z.number(), source: z.string(), ids: z.array(z.number()) }),
  alert: z.object({ id: z.number(), kind: z.string(), status: z.string(), subjectId: z.number().nullable(), severity: z.string() }),
  issue: z.object({ id: z.number(), subjectId: z.number().nullable(), label: z.string() }),
  case: z.object({ id: z.number(), status: z.string() }),
  source: z.object({ id: z.string(), status: z.string() }),
  /** A note was added to an incident, or it was closed: other open war rooms refresh. */
  incident: z.object({ id: z.number(), change: z.enum(['note', 'closed']) }),
};
export type LiveEventName = keyof typeof liveEvents;
export type LiveEvents = { [K in LiveEventName]: z.infer<(typeof liveEvents)[K]> };

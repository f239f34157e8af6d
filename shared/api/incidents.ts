import { z } from 'zod';
import { postView } from './posts';

export const incidentStatus = z.enum(['open', 'closed']);

export const incidentSummary = z.object({
  id: z.number(),
  name: z.string(),
  query: z.string(),
  status: incidentStatus,
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  createdBy: z.number().nullable(),
  createdByName: z.string().nullable(),
});
export type IncidentSummary = z.infer<typeof incidentSummary>;

export const incidentsQuery = z.object({
  status: incidentStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const incidentsResponse = z.object({ incidents: z.array(incidentSummary) });

export const incidentCreate = z.object({
  name: z.string().trim().min(1).max(200),
  /** In the subjects' query language: "EK212" OR "flight 212" OR #EK212. */
  query: z.string().trim().min(1).max(2000),
  /** When the incident began (the first report), not when the team noticed; default: now. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
});
export type IncidentCreate = z.infer<typeof incidentCreate>;

export const incidentNoteCreate = z.object({ text: z.string().trim().min(1).max(10_000) });

export const incidentNote = z.object({ id: z.number(), authorId: z.number().nullable(), authorName: z.string().nullable(), text: z.string(), createdAt: z.string() });
export type IncidentNote = z.infer<typeof incidentNote>;

export const incidentBucket = z.object({
  t: z.string(),
  posts: z.number(),
  reposts: z.number(),
  positive: z.number(),
  negative: z.number(),
  neutral: z.number(),
  unscored: z.number(),
  net: z.number().nullable(),
  newVoices: z.number(),
});
export type IncidentBucket = z.infer<typeof incidentBucket>;

export const incidentStory = z.object({
  post: postView,
  posts: z.number(),
  reposts: z.number(),
  quotes: z.number(),
  duplicates: z.number(),
  authors: z.number(),
  firstAt: z.string(),
  lastAt: z.string(),
});
export type IncidentStory = z.infer<typeof incidentStory>;

export const incidentDetail = incidentSummary.extend({
  /** The window read: from the start to the close (or now). */
  window: z.object({ from: z.string(), to: z.string() }),
  bucketMinutes: z.number(),
  timeline: z.array(incidentBucket),
  totals: z.object({ posts: z.number(), reposts: z.number(), positive: z.number(), negative: z.number(), neutral: z.number(), net: z.number().nullable() }),
  stories: z.array(incidentStory),
  topPosts: z.array(z.object({ post: postView, shares: z.number(), observed: z.number(), reported: z.number() })),
  voices: z.object({
    total: z.number(),
    new: z.number(),
    repeat: z.number(),
    newShare: z.number().nullable(),
    loudestNew: z.array(z.object({ source: z.string(), authorId: z.string(), handle: z.string().nullable(), followers: z.number().nullable(), posts: z.number() })),
  }),
  /** The newest matching posts (reposts left out), newest first. */
  posts: z.array(postView),
  notes: z.array(incidentNote),
  /** True when the window held more matching candidates than one view reads: the oldest were left out. */
  truncated: z.boolean(),
});
export type IncidentDetail = z.infer<typeof incidentDetail>;

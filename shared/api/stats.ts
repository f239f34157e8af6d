import { z } from 'zod';

const point = z.object({
  t: z.string(),
  posts: z.number(),
  reposts: z.number(),
  positive: z.number(),
  negative: z.number(),
  neutral: z.number(),
  /** (positive - negative) / scored posts × 100, null without scored posts. */
  net: z.number().nullable(),
});
export type SeriesPoint = z.infer<typeof point>;

export const totals = z.object({
  posts: z.number(),
  reposts: z.number(),
  positive: z.number(),
  negative: z.number(),
  neutral: z.number(),
  net: z.number().nullable(),
  negativeShare: z.number().nullable(),
});
export type Totals = z.infer<typeof totals>;

export const overviewResponse = z.object({
  from: z.string(),
  to: z.string(),
  granularity: z.enum(['hour', 'day']),
  subjects: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      kind: z.string(),
      series: z.array(point),
      totals,
      previous: totals,
      /** Share of all posts in the range about this subject, 0..1. */
      shareOfVoice: z.number(),
    }),
  ),
});
export type OverviewResponse = z.infer<typeof overviewResponse>;

export const aspectStat = z.object({ aspect: z.string(), mentions: z.number(), negative: z.number() });

export const scorecardRow = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  attributes: z.record(z.string(), z.string()),
  totals,
  previous: totals,
  /** Distinct authors of non-repost posts in the range. */
  authors: z.number(),
  /** Change of the negative share against the previous period, in percentage points. */
  negativeShareTrend: z.number().nullable(),
  aspects: z.array(aspectStat),
  openIssues: z.number(),
  openCases: z.number(),
});
export type ScorecardRow = z.infer<typeof scorecardRow>;

export const scorecardResponse = z.object({ from: z.string(), to: z.string(), rows: z.array(scorecardRow) });
export type ScorecardResponse = z.infer<typeof scorecardResponse>;

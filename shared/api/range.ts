import { z } from 'zod';

/** Preset time ranges every chart and table follows; `custom` uses from/to. */
export const rangePreset = z.enum(['1h', '6h', '24h', '7d', '30d', '90d', 'custom']);
export type RangePreset = z.infer<typeof rangePreset>;

const presetMs: Record<Exclude<RangePreset, 'custom'>, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

export const rangeQuery = z
  .object({
    range: rangePreset.default('7d'),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => q.range !== 'custom' || (q.from && q.to && q.from < q.to), { message: 'a custom range needs from < to' });
export type RangeQuery = z.infer<typeof rangeQuery>;

export type Granularity = 'hour' | 'day';

export interface ResolvedRange {
  from: Date;
  to: Date;
  granularity: Granularity;
  /** The period just before, of the same length, for comparisons. */
  previous: { from: Date; to: Date };
}

/** Turns a range query into absolute times. `now` is a parameter so results are reproducible. */
export function resolveRange(q: RangeQuery, now: Date): ResolvedRange {
  let from: Date;
  let to: Date;
  if (q.range === 'custom') {
    from = new Date(q.from!);
    to = new Date(q.to!);
  } else {
    to = now;
    from = new Date(now.getTime() - presetMs[q.range]);
  }
  const span = to.getTime() - from.getTime();
  return {
    from,
    to,
    granularity: span <= 3 * 86_400_000 ? 'hour' : 'day',
    previous: { from: new Date(from.getTime() - span), to: from },
  };
}

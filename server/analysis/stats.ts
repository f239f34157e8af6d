/** Derived sentiment figures, shared by every view so "net sentiment" means one thing everywhere. */

export interface LabelCounts {
  positive: number;
  negative: number;
  neutral: number;
}

/**
 * Net sentiment: (positive − negative) / scored posts × 100, or null with nothing scored.
 * @example netSentiment({ positive: 3, negative: 1, neutral: 6 }) // 20
 */
export function netSentiment(c: LabelCounts): number | null {
  const scored = c.positive + c.negative + c.neutral;
  return scored === 0 ? null : ((c.positive - c.negative) / scored) * 100;
}

/** Negative share of scored posts in [0, 1], or null. @example negativeShare({ positive: 1, negative: 1, neutral: 2 }) // 0.25 */
export function negativeShare(c: LabelCounts): number | null {
  const scored = c.positive + c.negative + c.neutral;
  return scored === 0 ? null : c.negative / scored;
}

/** Every bucket start in [from, to) at the granularity, so charts show gaps as zeros. */
export function bucketStarts(from: Date, to: Date, granularity: 'hour' | 'day'): Date[] {
  const step = granularity === 'day' ? 86_400_000 : 3_600_000;
  const out: Date[] = [];
  for (let t = Math.floor(from.getTime() / step) * step; t < to.getTime(); t += step) out.push(new Date(t));
  return out;
}

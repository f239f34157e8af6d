import { describe, expect, test } from 'vitest';
import { backoffDelay } from '../../server/sources/backoff';
import { retryFor } from '../../server/pipeline/runner';
import type { PolledSource } from '../../server/sources/source';

describe('backoffDelay', () => {
  test.each([
    { attempt: 0, random: 1, expected: 1000 },
    { attempt: 1, random: 1, expected: 2000 },
    { attempt: 3, random: 0.5, expected: 4000 },
    { attempt: 10, random: 1, expected: 60_000 },
    { attempt: 1000, random: 1, expected: 60_000 },
  ])('attempt $attempt with random $random waits $expected ms', ({ attempt, random, expected }) => {
    expect(backoffDelay(attempt, { baseMs: 1000, capMs: 60_000 }, () => random)).toBe(expected);
  });

  test('a retry never waits zero, so a server that drops at once cannot cause a tight loop', () => {
    expect(backoffDelay(0, { baseMs: 1000, capMs: 60_000 }, () => 0)).toBeGreaterThanOrEqual(100);
  });
});

describe('retrying a failed source', () => {
  const polled = (intervalMs: number): PolledSource => ({ type: 'polled', id: 'rss:x', intervalMs, pull: async () => ({ posts: [], cursor: null, more: false }) });
  test.each([
    [15 * 60_000, 0, 30_000, 60_000],
    [15 * 60_000, 10, 30_000, 15 * 60_000],
    [60_000, 0, 30_000, 60_000],
    [10, 0, 100, 1000],
  ])('a feed polled every %i ms, failure %i, waits between %i and %i ms', (interval, attempt, lo, hi) => {
    const delays = [0, 0.5, 1].map((r) => backoffDelay(attempt, retryFor(polled(interval)), () => r));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(lo);
    expect(Math.max(...delays)).toBeLessThanOrEqual(hi);
  });
});

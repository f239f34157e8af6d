import { describe, expect, test } from 'vitest';
import { clockState, dueTimes, durationStats } from '../../server/analysis/sla';

const t0 = new Date('2026-03-01T09:00:00Z');
const min = (m: number) => new Date(t0.getTime() + m * 60_000);

describe('SLA clocks', () => {
  test.each([
    { priority: 'urgent' as const, first: 60, resolution: 480 },
    { priority: 'normal' as const, first: 480, resolution: 4320 },
  ])('a $priority case is due for first response after $first min', ({ priority, first, resolution }) => {
    const d = dueTimes(priority, t0);
    expect(d.firstResponseDue).toEqual(min(first));
    expect(d.resolutionDue).toEqual(min(resolution));
  });

  test.each([
    { now: 10, done: null, expected: 'ok' },
    { now: 50, done: null, expected: 'warning' },
    { now: 61, done: null, expected: 'breached' },
    { now: 200, done: 30, expected: 'met' },
    { now: 200, done: 90, expected: 'missed' },
  ])('at +$now min with response at $done the clock is $expected', ({ now, done, expected }) => {
    expect(clockState(t0, min(60), done === null ? null : min(done), min(now))).toBe(expected);
  });

  test('median and p90 of response times', () => {
    expect(durationStats([])).toEqual({ median: null, p90: null });
    expect(durationStats([5, 1, 3, 2, 4, 6, 7, 8, 9, 10])).toEqual({ median: 5, p90: 9 });
  });
});

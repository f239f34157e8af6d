import { expect, test } from 'vitest';
import { clockStats, metricsBy, type MetricCase } from '../../server/analysis/case-metrics';

const t0 = new Date('2026-03-01T09:00:00Z');
const min = (m: number) => new Date(t0.getTime() + m * 60_000);
const kase = (responded: number | null, resolved: number | null, open = resolved === null): MetricCase => ({
  open,
  createdAt: t0,
  firstResponseDue: min(60),
  firstRespondedAt: responded === null ? null : min(responded),
  resolutionDue: min(480),
  resolvedAt: resolved === null ? null : min(resolved),
});

test.each([
  { what: 'no cases', cases: [], now: 0, expected: { met: 0, missed: 0, breachedOpen: 0, attainment: null, medianMin: null, p90Min: null } },
  { what: 'one met, one missed', cases: [kase(30, null), kase(90, null)], now: 100, expected: { met: 1, missed: 1, breachedOpen: 0, attainment: 0.5, medianMin: 30, p90Min: 90 } },
  { what: 'one open past due', cases: [kase(null, null), kase(10, null)], now: 61, expected: { met: 1, missed: 0, breachedOpen: 1, attainment: 1, medianMin: 10, p90Min: 10 } },
  { what: 'a closed case never responded to', cases: [kase(null, 20)], now: 500, expected: { met: 0, missed: 0, breachedOpen: 0, attainment: null, medianMin: null, p90Min: null } },
])('first response over $what', ({ cases, now, expected }) => {
  expect(clockStats(cases, 'firstResponse', min(now))).toEqual(expected);
});

test('ten resolution times give the median and the 90th percentile', () => {
  const cases = [60, 120, 180, 240, 300, 360, 420, 480, 540, 600].map((m) => kase(10, m));
  expect(clockStats(cases, 'resolution', min(1000))).toMatchObject({ met: 8, missed: 2, attainment: 0.8, medianMin: 300, p90Min: 540 });
});

test('metrics per group: each group its own numbers, the busiest first, cases without a group together', () => {
  const cases = [
    { ...kase(30, null), agent: 1, name: 'Rita' },
    { ...kase(90, 100), agent: 2, name: 'Sam' },
    { ...kase(20, 200), agent: 2, name: 'Sam' },
    { ...kase(null, null), agent: null, name: null },
  ];
  const groups = metricsBy(cases, (c) => ({ id: c.agent, name: c.name }), min(70));
  expect(groups.map((g) => [g.id, g.total, g.open])).toEqual([
    [2, 2, 0],
    [null, 1, 1],
    [1, 1, 1],
  ]);
  expect(groups[0]!.firstResponse).toMatchObject({ met: 1, missed: 1, attainment: 0.5, medianMin: 20, p90Min: 90 });
  expect(groups[0]!.resolution).toMatchObject({ met: 2, medianMin: 100, p90Min: 200 });
  expect(groups[1]!.firstResponse.breachedOpen).toBe(1);
});

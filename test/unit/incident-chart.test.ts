import { expect, test } from 'vitest';
import type { IncidentBucket } from '../../shared/api/incidents';
import { incidentChart } from '../../web/lib/charts/incident';

const palette = { positive: 'g', negative: 'r', neutral: 'n', accent: 'a', text: 't', grid: 'l' };
const bucket = (t: string, over: Partial<IncidentBucket> = {}): IncidentBucket => ({ t, posts: 0, reposts: 0, positive: 0, negative: 0, neutral: 0, unscored: 0, net: null, newVoices: 0, ...over });

test.each([
  {
    what: 'a quiet minute and a busy one',
    buckets: [bucket('2026-03-10T12:00:00Z'), bucket('2026-03-10T12:01:00Z', { posts: 4, negative: 3, neutral: 0, unscored: 1, reposts: 5, net: -100 })],
    minutes: 1,
    series: { Negative: [0, 3], Neutral: [0, 1], Positive: [0, 0], Reposts: [0, 5], 'Net sentiment': [null, -100] },
    axis: 'posts per minute',
  },
  {
    what: 'five-minute buckets',
    buckets: [bucket('2026-03-10T12:00:00Z', { positive: 2, neutral: 1, net: 66.7 })],
    minutes: 5,
    series: { Negative: [0], Neutral: [1], Positive: [2], Reposts: [0], 'Net sentiment': [66.7] },
    axis: 'posts per 5 min',
  },
])('$what: volume bars by sentiment, reposts apart, net sentiment as a line', ({ buckets, minutes, series, axis }) => {
  const config = incidentChart(buckets, minutes, palette);
  expect(config.data.labels).toHaveLength(buckets.length);
  expect(Object.fromEntries(config.data.datasets.map((d) => [d.label, d.data]))).toEqual(series);
  expect(config.data.datasets.map((d) => d.type)).toEqual(['bar', 'bar', 'bar', 'bar', 'line']);
  const scales = config.options?.scales as Record<string, { title?: { text?: string } }>;
  expect(scales.y?.title?.text).toBe(axis);
});

test('an incident spanning days labels its buckets with the date', () => {
  const config = incidentChart([bucket('2026-03-10T12:00:00Z'), bucket('2026-03-11T13:00:00Z')], 60, palette);
  const labels = config.data.labels as string[];
  expect(labels[0]).not.toBe(incidentChart([bucket('2026-03-10T12:00:00Z')], 60, palette).data.labels![0]);
});

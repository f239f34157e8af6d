/** The war room's timeline: posts per bucket stacked by sentiment, reposts beside them, net sentiment as a line. Pure, unit-tested. */
import type { ChartConfiguration } from 'chart.js';
import type { IncidentBucket } from '../../../shared/api/incidents';
import type { Palette } from './overview';

/** A bucket's label: the time of day, with the date when the incident spans days. @example timeLabel('2026-03-10T12:05:00Z', false) // '12:05' (local) */
export function timeLabel(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  return withDate ? d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function incidentChart(buckets: IncidentBucket[], bucketMinutes: number, c: Palette): ChartConfiguration<'bar' | 'line'> {
  const first = buckets[0]?.t;
  const last = buckets[buckets.length - 1]?.t;
  const spansDays = first !== undefined && last !== undefined && new Date(last).getTime() - new Date(first).getTime() >= 86_400_000;
  const perBucket = bucketMinutes === 1 ? 'per minute' : `per ${bucketMinutes} min`;
  return {
    type: 'bar',
    data: {
      labels: buckets.map((b) => timeLabel(b.t, spansDays)),
      datasets: [
        { type: 'bar', label: 'Negative', data: buckets.map((b) => b.negative), backgroundColor: c.negative, stack: 'posts', yAxisID: 'y' },
        { type: 'bar', label: 'Neutral', data: buckets.map((b) => b.neutral + b.unscored), backgroundColor: c.neutral, stack: 'posts', yAxisID: 'y' },
        { type: 'bar', label: 'Positive', data: buckets.map((b) => b.positive), backgroundColor: c.positive, stack: 'posts', yAxisID: 'y' },
        { type: 'bar', label: 'Reposts', data: buckets.map((b) => b.reposts), backgroundColor: c.grid, borderColor: c.neutral, borderWidth: 1, stack: 'reposts', yAxisID: 'y' },
        { type: 'line', label: 'Net sentiment', data: buckets.map((b) => b.net), borderColor: c.accent, backgroundColor: c.accent, yAxisID: 'net', pointRadius: 0, tension: 0.2, spanGaps: true },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { color: c.text, boxWidth: 12 } } },
      scales: {
        x: { stacked: true, ticks: { color: c.text, maxTicksLimit: 12 }, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, ticks: { color: c.text, precision: 0 }, grid: { color: c.grid }, title: { display: true, text: `posts ${perBucket}`, color: c.text } },
        net: { position: 'right', min: -100, max: 100, ticks: { color: c.text }, grid: { display: false }, title: { display: true, text: 'net', color: c.text } },
      },
    },
  };
}

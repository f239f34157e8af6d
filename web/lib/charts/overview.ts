/** Pure builders: API data in, chart.js configuration out (unit-tested, no DOM). */
import type { ChartConfiguration } from 'chart.js';
import type { OverviewResponse } from '../../../shared/api/stats';

export interface Palette {
  positive: string;
  negative: string;
  neutral: string;
  accent: string;
  text: string;
  grid: string;
}

/** A time label for a bucket: hours for short ranges, dates for long ones. @example bucketLabel('2026-03-01T10:00:00Z', 'hour') */
export function bucketLabel(iso: string, granularity: 'hour' | 'day'): string {
  const d = new Date(iso);
  return granularity === 'hour'
    ? d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Volume stacked by sentiment for one subject, with net sentiment on a second axis. */
export function volumeChart(subject: OverviewResponse['subjects'][number], granularity: 'hour' | 'day', c: Palette): ChartConfiguration<'bar' | 'line'> {
  const labels = subject.series.map((p) => bucketLabel(p.t, granularity));
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Negative', data: subject.series.map((p) => p.negative), backgroundColor: c.negative, stack: 'v', yAxisID: 'y' },
        { type: 'bar', label: 'Neutral', data: subject.series.map((p) => p.neutral), backgroundColor: c.neutral, stack: 'v', yAxisID: 'y' },
        { type: 'bar', label: 'Positive', data: subject.series.map((p) => p.positive), backgroundColor: c.positive, stack: 'v', yAxisID: 'y' },
        { type: 'line', label: 'Net sentiment', data: subject.series.map((p) => p.net), borderColor: c.accent, backgroundColor: c.accent, yAxisID: 'net', pointRadius: 0, tension: 0.3, spanGaps: true },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { color: c.text, boxWidth: 12 } } },
      scales: {
        x: { stacked: true, ticks: { color: c.text, maxTicksLimit: 8 }, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, ticks: { color: c.text, precision: 0 }, grid: { color: c.grid }, title: { display: true, text: 'posts', color: c.text } },
        net: { position: 'right', min: -100, max: 100, ticks: { color: c.text }, grid: { display: false }, title: { display: true, text: 'net', color: c.text } },
      },
    },
  };
}

/** Observed vs expected for an alert's why-panel. */
export function alertChart(series: Array<{ t: string; observed: number; expected: number }>, c: Palette): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: {
      labels: series.map((p) => new Date(p.t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })),
      datasets: [
        { label: 'Observed', data: series.map((p) => p.observed), borderColor: c.negative, backgroundColor: c.negative, pointRadius: 2 },
        { label: 'Expected', data: series.map((p) => Math.round(p.expected * 10) / 10), borderColor: c.neutral, borderDash: [4, 4], pointRadius: 0 },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { labels: { color: c.text, boxWidth: 12 } } }, scales: { x: { ticks: { color: c.text } }, y: { beginAtZero: true, ticks: { color: c.text }, grid: { color: c.grid } } } },
  };
}

/** A sparkline of counts (issue growth). */
export function sparkline(values: number[], color: string): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: { labels: values.map((_, i) => String(i)), datasets: [{ data: values, borderColor: color, borderWidth: 1.5, pointRadius: 0, fill: false, tension: 0.3 }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false }, tooltip: { enabled: false } }, scales: { x: { display: false }, y: { display: false, beginAtZero: true } } },
  };
}

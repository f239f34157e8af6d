/**
 * The first visit stays light: chart.js and the pages load only when a page needs them. A count of
 * what the built entry pulls in, not a size budget that drifts (the bench prints the sizes).
 */
import { expect, test } from 'vitest';
import { measureWeb } from '../bench/web.bench';
import { buildDashboard } from '../support/build-web';

test('the first visit downloads neither chart.js nor any page but the shell', async () => {
  const { initial, code } = measureWeb(await buildDashboard());
  // chart.js's own error text marks the chunk it is bundled into, whatever that chunk is named.
  const chartFiles = [...code].filter(([, c]) => c.includes('Canvas is already in use')).map(([f]) => f);
  expect(chartFiles.length).toBeGreaterThan(0);
  expect(chartFiles.filter((f) => initial.has(f))).toEqual([]);
  const pageChunks = [...code.keys()].filter((f) => /^(Overview|Subjects|Issues|Alerts|Mentions|Cases|Incidents|Settings|Users|Audit)-/.test(f));
  expect(pageChunks.length).toBeGreaterThanOrEqual(8);
  expect(pageChunks.filter((f) => initial.has(f))).toEqual([]);
  expect(initial.size).toBeGreaterThan(0);
}, 120_000);

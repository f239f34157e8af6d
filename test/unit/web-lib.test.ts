import { expect, test } from 'vitest';
import { alertChart, sparkline, volumeChart } from '../../web/lib/charts/overview';
import { csvCell, toCsv } from '../../web/lib/csv';
import { splitBySpans } from '../../web/lib/highlight';

const palette = { positive: 'g', negative: 'r', neutral: 'n', accent: 'a', text: 't', grid: 'l' };

test.each([
  ['plain', 'plain'],
  ['with, comma', '"with, comma"'],
  ['say "hi"', '"say ""hi"""'],
  ['=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
  ['+1 555', "'+1 555"],
  ['-2', "'-2"],
  ['@cmd', "'@cmd"],
  [null, ''],
])('csv cell %j is %s', (value, expected) => {
  expect(csvCell(value)).toBe(expected);
});

test('a CSV file has a header, CRLF lines and every row', () => {
  expect(toCsv(['a', 'b'], [[1, 'x'], [2, '=y']])).toBe("a,b\r\n1,x\r\n2,'=y\r\n");
});

test.each([
  ['abc def', [[4, 7]], [{ text: 'abc ', match: false }, { text: 'def', match: true }]],
  ['<img src=x>', [[0, 4]], [{ text: '<img', match: true }, { text: ' src=x>', match: false }]],
  ['short', [[2, 99], [0, 1]], [{ text: 's', match: true }, { text: 'h', match: false }, { text: 'ort', match: true }]],
  ['overlap', [[0, 4], [2, 6]], [{ text: 'over', match: true }, { text: 'lap', match: false }]],
])('highlighting %s by %j splits text without markup', (text, spans, parts) => {
  expect(splitBySpans(text, spans as Array<[number, number]>)).toEqual(parts);
});

test('the volume chart stacks the three labels and draws net sentiment on its own axis', () => {
  const subject = {
    id: 1, name: 'Acme', kind: 'company', shareOfVoice: 1,
    totals: { posts: 3, reposts: 0, positive: 1, negative: 1, neutral: 1, net: 0, negativeShare: 0.33 },
    previous: { posts: 0, reposts: 0, positive: 0, negative: 0, neutral: 0, net: null, negativeShare: null },
    series: [
      { t: '2026-03-01T00:00:00Z', posts: 2, reposts: 0, positive: 1, negative: 1, neutral: 0, net: 0 },
      { t: '2026-03-02T00:00:00Z', posts: 1, reposts: 0, positive: 0, negative: 0, neutral: 1, net: null },
    ],
  };
  const c = volumeChart(subject, 'day', palette);
  expect(c.data.datasets.map((d) => d.label)).toEqual(['Negative', 'Neutral', 'Positive', 'Net sentiment']);
  expect(c.data.datasets[0]!.data).toEqual([1, 0]);
  expect(c.data.datasets[3]!.data).toEqual([0, null]);
  expect(c.data.labels).toHaveLength(2);
});

test('the alert chart rounds expected values and the sparkline hides its axes', () => {
  const a = alertChart([{ t: '2026-03-01T00:00:00Z', observed: 40, expected: 2.345 }], palette);
  expect(a.data.datasets[1]!.data).toEqual([2.3]);
  expect(sparkline([1, 2, 3], 'r').options?.scales?.x?.display).toBe(false);
});

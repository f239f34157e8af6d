import { describe, expect, test } from 'vitest';
import type { IssueView } from '../../shared/api/issues';
import { alertChart, sparkline, volumeChart } from '../../web/lib/charts/overview';
import { csvCell, toCsv } from '../../web/lib/csv';
import { splitBySpans } from '../../web/lib/highlight';
import { arrangeIssues, isIssueSort, recentChange, risingFirst, type IssueSort } from '../../web/lib/issues-view';

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

describe('the Issues page order and filter', () => {
  const issue = (id: number, over: Partial<IssueView>): IssueView => ({
    id, subjectId: 1, subjectName: 'Kestrel', label: `issue ${id}`, keyTerms: [], references: [], firstSeen: '2026-05-01T00:00:00Z', lastSeen: '2026-05-02T00:00:00Z',
    posts: 1, distinctTexts: 1, distinctAuthors: 1, status: 'new', severity: 0, growth: [], representativePosts: [], ...over,
  });
  const list = [
    issue(1, { label: 'late deliveries', distinctAuthors: 40, growth: [9, 9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1], lastSeen: '2026-05-02T10:00:00Z' }),
    issue(2, { label: 'cracked housing', references: [{ type: 'lot', value: '42' }], distinctAuthors: 12, growth: [0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3], severity: 3 }),
    issue(3, { label: 'invoice not paid', keyTerms: ['invoice', 'overdue'], subjectName: 'Ledgerly', distinctAuthors: 5, lastSeen: '2026-05-03T00:00:00Z' }),
  ];

  test('recentChange compares the last 6 hours with the 6 before', () => {
    expect(recentChange([1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5])).toEqual({ last6h: 30, change: 24 });
    expect(recentChange([])).toEqual({ last6h: 0, change: 0 });
  });

  test.each<[IssueSort, number[]]>([
    ['rising', [2, 3, 1]],
    ['people', [1, 2, 3]],
    ['recent', [3, 1, 2]],
    ['severity', [2, 3, 1]],
  ])('sorted by %s', (sort, ids) => {
    expect(arrangeIssues(list, { sort }).map((i) => i.id)).toEqual(ids);
  });

  test.each([
    ['lot 42', [2]],
    ['LEDGERLY overdue', [3]],
    ['#1', [1]],
    ['housing late', []],
  ])('%s finds %j', (q, ids) => {
    expect(arrangeIssues(list, { q, sort: 'people' }).map((i) => i.id)).toEqual(ids);
  });

  test('the overview lists growing issues first, then the most severe', () => {
    expect(risingFirst(list, 2).map((i) => i.id)).toEqual([2, 3]);
    expect(risingFirst([list[0]!, list[2]!], 5).map((i) => i.id)).toEqual([3, 1]);
  });

  test('only known sorts are taken from the URL', () => {
    expect(isIssueSort('people')).toBe(true);
    expect(isIssueSort('constructor')).toBe(false);
    expect(isIssueSort(null)).toBe(false);
  });
});

import { describe, expect, test } from 'vitest';
import { buildEvidence, evidenceCsv, evidenceText, type EvidenceInput } from '../../server/analysis/escalation/evidence';

const now = new Date('2026-03-20T12:00:00Z');
const input = (daily: EvidenceInput['daily']): EvidenceInput => ({
  caseId: 7,
  supplier: 'Kestrel Parts',
  issue: { id: 3, label: 'hinges snapping', keyTerms: ['hinge', 'snapped'], refs: [{ type: 'part', value: 'HX-220' }], firstSeen: new Date('2026-03-01T00:00:00Z'), lastSeen: new Date('2026-03-20T10:00:00Z'), posts: 40, distinctAuthors: 31 },
  posts: [
    { id: 2, text: 'second: lot L2231 again', author: 'bob', url: 'https://x.com/bob/status/2', createdAt: new Date('2026-03-19T00:00:00Z'), refs: [{ type: 'lot', value: 'L2231' }, { type: 'part', value: 'hx-220' }] },
    { id: 1, text: '=HYPERLINK("http://evil")', author: 'ann', url: null, createdAt: new Date('2026-03-18T00:00:00Z'), refs: [{ type: 'order', value: '48213' }] },
  ],
  daily,
  dueAt: new Date('2026-03-27T12:00:00Z'),
  note: 'Please check\nthe 2231 lot.',
  now,
});

describe('escalation evidence', () => {
  test.each([
    { name: 'growing', daily: [{ day: '2026-03-10', posts: 2 }, { day: '2026-03-18', posts: 10 }, { day: '2026-03-20', posts: 6 }], last7: 16, prior7: 2, trend: 'rising' },
    { name: 'flat', daily: [{ day: '2026-03-10', posts: 8 }, { day: '2026-03-18', posts: 8 }], last7: 8, prior7: 8, trend: 'steady' },
    { name: 'fading', daily: [{ day: '2026-03-08', posts: 20 }, { day: '2026-03-19', posts: 3 }], last7: 3, prior7: 20, trend: 'falling' },
    { name: 'older than two weeks only', daily: [{ day: '2026-02-01', posts: 50 }], last7: 0, prior7: 0, trend: 'steady' },
  ])('counts and trend: $name', ({ daily, last7, prior7, trend }) => {
    expect(buildEvidence(input(daily)).counts).toMatchObject({ last7Days: last7, prior7Days: prior7, trend, posts: 40, distinctAuthors: 31 });
  });

  test('references traceable by the supplier come first, de-duplicated whatever their case; posts oldest first', () => {
    const e = buildEvidence(input([]));
    expect(e.references).toEqual([
      { type: 'lot', values: ['L2231'] },
      { type: 'part', values: ['HX-220'] },
      { type: 'order', values: ['48213'] },
    ]);
    expect(e.posts.map((p) => p.author)).toEqual(['ann', 'bob']);
  });

  test('the letter is plain text with the counts, references, due date and quoted posts', () => {
    const text = evidenceText(buildEvidence(input([{ day: '2026-03-18', posts: 4 }])));
    expect(text).toContain('Non-conformance report, case #7, for Kestrel Parts');
    expect(text).toContain('Seen in 40 posts by 31 people, 2026-03-01 to 2026-03-20.');
    expect(text).toContain('lot: L2231');
    expect(text).toContain('answer by 2026-03-27');
    expect(text).toContain('Please check the 2231 lot.');
    expect(text).toContain('@bob: "second: lot L2231 again" https://x.com/bob/status/2');
  });

  test('the CSV quotes cells and defuses spreadsheet formulas', () => {
    const csv = evidenceCsv(buildEvidence(input([]))).split('\r\n');
    expect(csv[0]).toBe('created_at,author,text,url');
    expect(csv[1]).toBe(`2026-03-18T00:00:00.000Z,ann,"'=HYPERLINK(""http://evil"")",`);
  });
});

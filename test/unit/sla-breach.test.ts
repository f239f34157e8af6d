import { expect, test } from 'vitest';
import { breachedClocks, clockSettled, parseSlaConditionKey, slaConditionKey, type SlaCase } from '../../server/analysis/sla-breach';

const t0 = new Date('2026-03-01T09:00:00Z');
const min = (m: number) => new Date(t0.getTime() + m * 60_000);
const kase = (over: Partial<SlaCase> = {}): SlaCase => ({
  id: 7,
  title: 'Order late',
  priority: 'urgent',
  open: true,
  createdAt: t0,
  firstResponseDue: min(60),
  firstRespondedAt: null,
  resolutionDue: min(480),
  resolvedAt: null,
  ...over,
});

test.each([
  { what: 'before the first-response deadline', c: kase(), now: 59, clocks: [] },
  { what: 'just past the first-response deadline', c: kase(), now: 61, clocks: ['first_response'] },
  { what: 'past both deadlines', c: kase(), now: 481, clocks: ['first_response', 'resolution'] },
  { what: 'past both, responded to', c: kase({ firstRespondedAt: min(30) }), now: 481, clocks: ['resolution'] },
  { what: 'past both, responded late', c: kase({ firstRespondedAt: min(90) }), now: 481, clocks: ['resolution'] },
  { what: 'past both, closed', c: kase({ open: false }), now: 481, clocks: [] },
  { what: 'without deadlines', c: kase({ firstResponseDue: null, resolutionDue: null }), now: 10_000, clocks: [] },
])('$what: breached clocks $clocks', ({ c, now, clocks }) => {
  expect(breachedClocks([c], min(now)).map((b) => b.clock)).toEqual(clocks);
});

test('a breach says what, since when, how long was allowed and taken, and how bad', () => {
  const [b] = breachedClocks([kase({ priority: 'normal' })], min(90));
  expect(b).toMatchObject({ caseId: 7, key: 'sla:7:first_response', allowedMin: 60, elapsedMin: 90, severity: 'warning', due: min(60) });
  expect(b!.summary).toContain('Case #7 "Order late": first response overdue');
  expect(breachedClocks([kase({ priority: 'high' })], min(90))[0]!.severity).toBe('critical');
});

test.each([
  { c: kase({ firstRespondedAt: min(5) }), clock: 'first_response' as const, settled: true },
  { c: kase({ firstRespondedAt: min(5) }), clock: 'resolution' as const, settled: false },
  { c: kase({ open: false }), clock: 'first_response' as const, settled: true },
])('clock $clock settled: $settled', ({ c, clock, settled }) => {
  expect(clockSettled(c, clock)).toBe(settled);
});

test.each([
  ['sla:12:resolution', { caseId: 12, clock: 'resolution' }],
  ['sla:3:first_response', { caseId: 3, clock: 'first_response' }],
  ['volume:12', null],
  ['sla:x:resolution', null],
])('condition key %s parses to %o', (key, parsed) => {
  expect(parseSlaConditionKey(key)).toEqual(parsed);
  if (parsed) expect(slaConditionKey(parsed.caseId, parsed.clock as 'resolution')).toBe(key);
});

import { describe, expect, test } from 'vitest';
import { caseRule, type CaseRuleInput } from '../../shared/api/case-rules';
import type { CaseEvent, GroupMetrics } from '../../shared/api/cases';
import { breakdownCsvRows, breakdownRows, fmtMinutes, slaWatch } from '../../web/lib/case-metrics';
import { describeRule, emptyRoute, fromForm, newRuleForm, toForm } from '../../web/lib/case-rules-form';
import { describeCaseEvent } from '../../web/lib/case-timeline';

test.each<CaseRuleInput>([
  { id: 'orders', name: 'Orders', trigger: { on: 'post', sentiment: 'negative', reference: 'order', fromCustomer: true }, queue: 'orders' },
  { id: 'wide', name: 'Wide', enabled: false, trigger: { on: 'issue', minAuthors: 12, subjectIds: [3] }, assigneeId: 4, priority: 'urgent', tags: ['auto', 'x'] },
  { id: 'routed', name: 'Routed', trigger: { on: 'post', intents: ['complaint', 'escalation'], aspects: ['delivery'], reference: 'any' }, routes: [{ subjectId: 2, aspect: 'quality', queue: 'qa' }, { issueId: 9, assigneeId: 5 }] },
])('rule $id survives the editor form unchanged', (input) => {
  const rule = caseRule.parse(input);
  expect(caseRule.parse(fromForm(toForm(rule)))).toEqual(rule);
});

test('a new rule is the issue’s example and saves as a valid rule', () => {
  const form = { ...newRuleForm(2), queue: ' orders ', routes: [{ ...emptyRoute(), aspect: 'delivery', queue: 'logistics' }] };
  const rule = caseRule.parse(fromForm(form));
  expect(rule).toMatchObject({ id: 'rule-2', queue: 'orders', assigneeId: null, trigger: { on: 'post', sentiment: 'negative', reference: 'order', fromCustomer: true } });
  expect(rule.routes).toEqual([{ aspect: 'delivery', queue: 'logistics', assigneeId: null }]);
});

test('number inputs hold numbers, or null once cleared, and convert all the same', () => {
  const form = { ...newRuleForm(3), on: 'issue' as const, minAuthors: 8, assigneeId: 4, routes: [{ ...emptyRoute(), issueId: 9, assigneeId: null, queue: 'recall' }] };
  expect(caseRule.parse(fromForm(form))).toMatchObject({ trigger: { on: 'issue', minAuthors: 8 }, assigneeId: 4, routes: [{ issueId: 9, queue: 'recall', assigneeId: null }] });
  expect(caseRule.safeParse(fromForm({ ...form, minAuthors: null })).success).toBe(false);
});

test.each<[CaseRuleInput, string]>([
  [{ id: 'a', name: 'A', trigger: { on: 'post', sentiment: 'negative', reference: 'order', fromCustomer: true }, queue: 'orders' }, 'When a negative post quotes an order number from a customer: open a case → queue orders'],
  [{ id: 'b', name: 'B', trigger: { on: 'issue', minAuthors: 5, subjectIds: [1] }, assigneeId: 7, routes: [{ queue: 'x' }] }, 'When an issue about Acme reaches 5 distinct authors: open a case → user #7; 1 routing rule first'],
])('rule %# reads as a sentence', (rule, sentence) => {
  expect(describeRule(rule, () => 'Acme')).toBe(sentence);
});

test('a rule names its assignee by name when the page knows it', () => {
  const rule: CaseRuleInput = { id: 'c', name: 'C', trigger: { on: 'post', sentiment: 'negative', fromCustomer: false }, queue: 'orders', assigneeId: 7 };
  expect(describeRule(rule, undefined, (id) => (id === 7 ? 'Dana Ruiz' : '?'))).toBe('When a negative post: open a case → queue orders, Dana Ruiz');
});

test.each([
  [null, '—'],
  [12.4, '12 min'],
  [150, '2.5 h'],
  [4320, '3.0 d'],
])('%s minutes show as %s', (m, shown) => {
  expect(fmtMinutes(m)).toBe(shown);
});

const group = (over: Partial<GroupMetrics>): GroupMetrics => ({
  id: 1,
  name: 'Acme',
  total: 4,
  open: 1,
  firstResponse: { met: 3, missed: 1, breachedOpen: 0, attainment: 0.75, medianMin: 30, p90Min: 200 },
  resolution: { met: 1, missed: 0, breachedOpen: 1, attainment: 1, medianMin: null, p90Min: null },
  ...over,
});

test('a breakdown shows and exports the same groups; the group without a name is named', () => {
  const groups = [group({}), group({ id: null, name: null, total: 1 })];
  expect(breakdownRows(groups, 'unassigned')).toEqual([
    ['Acme', '4', '1', '75%', '30 min', '3.3 h', '100%', '—', '—', '1'],
    ['unassigned', '1', '1', '75%', '30 min', '3.3 h', '100%', '—', '—', '1'],
  ]);
  expect(breakdownCsvRows(groups, 'unassigned')[0]).toEqual(['Acme', 4, 1, 0.75, 30, 200, 1, null, null, 1]);
});

test('the SLA watch counts clocks near and past their deadline', () => {
  const c = (first: string, resolution: string) => ({ sla: { firstResponse: { state: first }, resolution: { state: resolution } } });
  expect(slaWatch([c('warning', 'ok'), c('breached', 'warning'), c('met', 'breached'), c('ok', 'ok')])).toEqual({ warning: 2, breached: 2 });
});

describe('a case timeline in words', () => {
  const at = '2026-04-01T09:00:00.000Z';
  const names: Record<number, string> = { 3: 'Ravi', 7: 'Dana' };
  const ev = (type: string, details: Record<string, unknown>, actorId: number | null = 7): CaseEvent => ({ at, type, actorId, actorName: actorId === null ? null : (names[actorId] ?? null), details });
  test.each<[CaseEvent, string | null, string]>([
    [ev('created', { priority: 'high' }), 'Dana', 'opened the case (high)'],
    [ev('opened_by_rule', { rule: 'Order complaints', queue: 'orders', assigneeId: 3 }, null), null, 'opened by the rule “Order complaints” into orders for Ravi'],
    [ev('updated', { assigneeId: 3 }), 'Dana', 'assigned it to Ravi'],
    [ev('updated', { assigneeId: null }), 'Dana', 'unassigned it'],
    [ev('updated', { status: 'waiting_customer', priority: 'urgent' }), 'Dana', 'status → waiting customer, priority → urgent'],
    [ev('updated', { queue: null, tags: [] }), 'Dana', 'took it out of its queue, removed the tags'],
    [ev('note', { text: 'Called the carrier.' }), 'Dana', 'noted: Called the carrier.'],
    [ev('sla_breached', { clock: 'first_response' }, null), null, 'missed the first response deadline'],
    [ev('reply.sent', { replyId: 4 }), 'Dana', 'reply sent'],
    [ev('updated', {}, 5), 'user #5', 'updated it'],
  ])('%# reads as %s: %s', (e, who, what) => {
    expect(describeCaseEvent(e, (id) => names[id] ?? `user #${id}`)).toEqual({ who, what });
  });
});

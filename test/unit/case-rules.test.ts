import { describe, expect, test } from 'vitest';
import { caseRule, caseRulesBody, type CaseRuleInput } from '../../shared/api/case-rules';
import { isCustomer, matchCaseRules, routeFor, type PostFacts } from '../../server/analysis/case-rules';

const rule = (over: Partial<CaseRuleInput> & { trigger: CaseRuleInput['trigger'] }) => caseRule.parse({ id: 'r1', name: 'Rule', ...over });
const post = (over: Partial<PostFacts> = {}): PostFacts => ({
  id: 1,
  subjectIds: [10],
  issueIds: [],
  sentiment: 'negative',
  intent: 'complaint',
  refs: [{ type: 'order', value: '48213' }],
  aspects: ['delivery'],
  authorHandle: 'ann',
  ...over,
});
const own = new Set(['acmehelp']);
const orderComplaint = rule({ trigger: { on: 'post', sentiment: 'negative', reference: 'order', fromCustomer: true }, queue: 'orders' });

describe('post rules', () => {
  test.each([
    { what: 'a negative customer post quoting an order', p: post(), opens: true },
    { what: 'a neutral post', p: post({ sentiment: 'neutral' }), opens: false },
    { what: 'a negative post quoting only an invoice', p: post({ refs: [{ type: 'invoice', value: 'INV-1' }] }), opens: false },
    { what: 'a negative post quoting nothing', p: post({ refs: [] }), opens: false },
    { what: "the company's own account, whatever its case", p: post({ authorHandle: '@AcmeHelp' }), opens: false },
    { what: 'an author with no handle (counted as a customer)', p: post({ authorHandle: null }), opens: true },
  ])('"negative + order number + customer" opens a case for $what: $opens', ({ p, opens }) => {
    expect(matchCaseRules([orderComplaint], [p], [], own).length).toBe(opens ? 1 : 0);
  });

  test.each([
    { trigger: { on: 'post' as const, reference: 'any' }, p: post({ refs: [{ type: 'claim', value: '1' }] }), opens: true },
    { trigger: { on: 'post' as const, intents: ['escalation' as const] }, p: post(), opens: false },
    { trigger: { on: 'post' as const, intents: ['complaint' as const, 'escalation' as const] }, p: post(), opens: true },
    { trigger: { on: 'post' as const, subjectIds: [11] }, p: post(), opens: false },
    { trigger: { on: 'post' as const, aspects: ['quality' as const] }, p: post(), opens: false },
    { trigger: { on: 'post' as const, aspects: ['delivery' as const] }, p: post(), opens: true },
  ])('trigger $trigger on the post: $opens', ({ trigger, p, opens }) => {
    expect(matchCaseRules([rule({ trigger })], [p], [], own).length).toBe(opens ? 1 : 0);
  });

  test('a disabled rule opens nothing', () => {
    expect(matchCaseRules([{ ...orderComplaint, enabled: false }], [post()], [], own)).toEqual([]);
  });
});

describe('issue rules', () => {
  const crossing = rule({ trigger: { on: 'issue', minAuthors: 5, subjectIds: [10] }, assigneeId: 7 });
  test.each([
    { authors: 4, subjectId: 10, opens: false },
    { authors: 5, subjectId: 10, opens: true },
    { authors: 50, subjectId: 11, opens: false },
    { authors: 50, subjectId: null, opens: false },
  ])('an issue of subject $subjectId with $authors distinct authors opens a case: $opens', ({ authors, subjectId, opens }) => {
    const m = matchCaseRules([crossing], [], [{ id: 3, subjectId, distinctAuthors: authors }], own);
    expect(m.map((x) => x.target)).toEqual(opens ? [{ kind: 'issue', id: 3 }] : []);
    if (opens) expect(m[0]!.destination).toEqual({ queue: null, assigneeId: 7 });
  });
});

describe('routing', () => {
  const routed = {
    queue: 'general',
    assigneeId: null,
    routes: [
      { issueId: 9, queue: 'recall', assigneeId: 4 },
      { subjectId: 10, aspect: 'delivery' as const, queue: 'logistics', assigneeId: null },
      { subjectId: 10, queue: 'acme', assigneeId: null },
    ],
  };
  test.each([
    { facts: { subjectIds: [10], issueIds: [9], aspects: [] }, expected: { queue: 'recall', assigneeId: 4 } },
    { facts: { subjectIds: [10], issueIds: [], aspects: ['delivery'] }, expected: { queue: 'logistics', assigneeId: null } },
    { facts: { subjectIds: [10], issueIds: [], aspects: ['price'] }, expected: { queue: 'acme', assigneeId: null } },
    { facts: { subjectIds: [12], issueIds: [], aspects: ['delivery'] }, expected: { queue: 'general', assigneeId: null } },
  ])('$facts goes to $expected', ({ facts, expected }) => {
    expect(routeFor(routed, facts)).toEqual(expected);
  });
});

describe('rule validation', () => {
  test.each([
    { what: 'an issue threshold of 1 author', body: { rules: [{ id: 'a', name: 'A', trigger: { on: 'issue', minAuthors: 1 } }] } },
    { what: 'an unknown trigger', body: { rules: [{ id: 'a', name: 'A', trigger: { on: 'mood' } }] } },
    { what: 'an id with spaces', body: { rules: [{ id: 'my rule', name: 'A', trigger: { on: 'post' } }] } },
    { what: 'two rules with one id', body: { rules: [{ id: 'a', name: 'A', trigger: { on: 'post' } }, { id: 'a', name: 'B', trigger: { on: 'post' } }] } },
    { what: 'an unknown aspect in a route', body: { rules: [{ id: 'a', name: 'A', trigger: { on: 'post' }, routes: [{ aspect: 'vibes', queue: 'q' }] }] } },
  ])('$what is refused', ({ body }) => {
    expect(caseRulesBody.safeParse(body).success).toBe(false);
  });

  test('isCustomer compares handles without case or @', () => {
    expect(isCustomer('@ACMEHELP', own)).toBe(false);
    expect(isCustomer('ann', own)).toBe(true);
  });
});

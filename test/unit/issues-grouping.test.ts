import { describe, expect, test } from 'vitest';
import {
  emptyGroupingState,
  groupPosts,
  isGroupable,
  looksLikeComplaintOrQuestion,
  mergeIssues,
  renameIssue,
  setIssueStatus,
  splitIssue,
  summarizeIssue,
  type GroupPost,
  type GroupingState,
} from '../../server/analysis/issues';
import { normalizeText } from '../../server/analysis/issues/text';
import { conceptsIn } from '../../server/analysis/issues/vocabulary';

const T0 = Date.UTC(2026, 3, 1, 9);
const MIN = 60_000;
let seq = 0;

function post(text: string, extra: Partial<GroupPost> = {}): GroupPost {
  seq++;
  return { id: `p${seq}`, text, createdAt: new Date(T0 + seq * MIN), authorId: `a${seq}`, subjectId: 1, isComplaintOrQuestion: true, ...extra };
}

function group(texts: string[], state = emptyGroupingState()) {
  const posts = texts.map((t) => post(t));
  const r = groupPosts(state, posts, new Date(T0 + 1000 * MIN));
  return { ...r, ids: r.assignments.map((a) => a.issueId) };
}

/** Some unrelated complaints first, so document frequencies are not learned from two posts alone. */
const BACKGROUND = [
  'the app keeps logging me out, cannot sign in',
  'charged twice for one order',
  'support never answers the phone',
  'wrong size sent, I ordered a medium',
];

describe('the same problem in different words joins one issue', () => {
  test.each([
    ['parcel never arrived', 'package still not delivered'],
    ['case split open after a week', 'cracked housing on the new unit'],
    ['my delivery is two weeks late', 'where is my order?? still waiting'],
    ['invoice 12 days overdue, not paid yet', 'still waiting for payment on our invoice'],
    ['I was double charged this month', 'billed twice for the same subscription'],
    ['nobody replies to my emails', 'customer service ignored me for a week'],
    ['battery started smoking while charging', 'charger overheated and burned my desk'],
    ['refund still not received after 3 weeks', 'where is my money back? returned it a month ago'],
    ['website down, cannot place an order', 'checkout broken all afternoon, error 500'],
  ])('"%s" ~ "%s"', (a, b) => {
    const { ids } = group([...BACKGROUND, a, b]);
    expect(ids[4]).not.toBeNull();
    expect(ids[5]).toBe(ids[4]);
  });
});

describe('a problem word in a form its pattern does not list still names the problem', () => {
  test.each([
    ['the table arrived scratched', 'there is a long scratch across the top'],
    ['the bottle was leaking in the box', 'the bottle leaks everywhere'],
    ['the shipment was delayed again', 'another delay on my shipment'],
  ])('"%s" ~ "%s"', (a, b) => {
    const { ids } = group([...BACKGROUND, a, b]);
    expect(ids[4]).not.toBeNull();
    expect(ids[5]).toBe(ids[4]);
  });

  test('an adverb is not the adjective it comes from ("lately" is not "late")', () => {
    expect(conceptsIn(normalizeText('lately the app is fine'))).not.toContain('late');
    expect(conceptsIn(normalizeText('the parcel is late'))).toContain('late');
  });
});

describe('paraphrases that share no problem word still join (the cue lexicon)', () => {
  test.each([
    ['box showed up in pieces', 'the lamp was smashed when I opened the parcel'],
    ['still waiting on that desk', 'ordered a bookcase a month ago, no sign of it'],
    ['they took the money off my card twice', 'two identical payments on my statement for one order'],
    ['the airline lost my suitcase', 'landed in Oslo, my luggage did not'],
    ['our flight sat at the gate for five hours', 'the 9am departure got cancelled, no rebooking'],
    ['the lady at the till was so rude to me', 'your staff member shouted at my mum'],
    ['my plan went up by 6 quid a month', 'another price hike this year'],
    ['how do I send this back, the returns page is broken', 'the return label you sent will not print'],
  ])('"%s" ~ "%s"', (a, b) => {
    const { ids } = group([...BACKGROUND, a, b]);
    expect(ids[5]).toBe(ids[4]);
  });
});

describe('different problems stay apart', () => {
  test.each([
    ['my flight was delayed six hours', 'my parcel was delayed six days'],
    ['the airline lost my suitcase', 'the courier lost my parcel'],
    ['prices went up again this year', 'charged twice for one order'],
    ['cashier was rude and rolled her eyes', 'nobody answers the support line'],
  ])('"%s" vs "%s"', (a, b) => {
    const { ids } = group([...BACKGROUND, a, b]);
    expect(ids[5]).not.toBe(ids[4]);
  });

  test.each([
    ['parcel never arrived', 'parcel arrived crushed and the box was open'],
    ['cracked housing on the unit', 'unit is late, no delivery yet'],
    ['invoice not paid after 60 days', 'invoice charged twice, overcharged'],
    ['refund not received', 'cannot log in to my account'],
  ])('"%s" vs "%s"', (a, b) => {
    const { ids } = group([...BACKGROUND, a, b]);
    expect(ids[5]).not.toBe(ids[4]);
  });
});

test('posts quoting the same batch join even when their words differ', () => {
  const { ids } = group([...BACKGROUND, 'units from batch 42 are rattling', 'batch 42: loud noise from the fan', 'the colour faded after one wash']);
  expect(ids[5]).toBe(ids[4]);
  expect(ids[6]).not.toBe(ids[4]);
});

test.each([
  [['parcel never arrived', 'package still not delivered', 'delivery is late again'], 'late deliveries'],
  [['cracked housing, batch 42', 'housing cracked again, batch 42', 'case split open, batch 42'], 'cracked housing, batch 42'],
  [['invoice not paid after 60 days', 'our invoice is still unpaid', 'payment overdue on invoice 5521'], 'invoice not paid'],
])('issues get readable labels: %j -> "%s"', (texts, label) => {
  const { state, ids } = group(texts);
  expect(new Set(ids).size).toBe(1);
  expect(summarizeIssue(state, ids[0]!, new Date(T0))?.label).toBe(label);
});

describe('counting', () => {
  test('a copy-paste campaign counts one distinct text, and reposts by one account one distinct author', () => {
    const text = 'BOYCOTT: their parcels never arrive!!!';
    const campaign = Array.from({ length: 10 }, () => post(text));
    const reposts = Array.from({ length: 5 }, () => post('my parcel never arrived, third time', { authorId: 'loud' }));
    const { state, assignments } = groupPosts(emptyGroupingState(), [...campaign, ...reposts], new Date(T0 + 100 * MIN));
    const id = assignments[0]!.issueId!;
    expect(new Set(assignments.map((a) => a.issueId))).toEqual(new Set([id]));
    expect(summarizeIssue(state, id, new Date(T0 + 100 * MIN))).toMatchObject({ posts: 15, distinctTexts: 2, distinctAuthors: 11 });
  });

  test('representative posts are distinct texts closest to the centroid, not the loudest', () => {
    const loud = Array.from({ length: 8 }, () => post('never arrived never arrived never arrived lol scam scam', { authorId: 'loud' }));
    const typical = ['parcel never arrived', 'package still not delivered', 'my parcel has not arrived yet', 'delivery late, parcel not here'].map((t) => post(t));
    const { state, assignments } = groupPosts(emptyGroupingState(), [...loud, ...typical], new Date(T0 + 100 * MIN));
    const s = summarizeIssue(state, assignments[0]!.issueId!, new Date(T0 + 100 * MIN))!;
    expect(s.representativePostIds).toHaveLength(3);
    expect(new Set(s.representativePostIds).size).toBe(3);
    expect(s.representativePostIds.filter((id) => loud.some((p) => p.id === id)).length).toBeLessThanOrEqual(1);
  });

  test('growth compares the last window with the one before', () => {
    const posts = [0, 1, 7 * 60, 7 * 60 + 5, 7 * 60 + 10].map((m, i) => ({ ...post('parcel never arrived'), id: `g${i}`, createdAt: new Date(T0 + m * MIN) }));
    const now = new Date(T0 + 8 * 60 * MIN);
    const { state, assignments } = groupPosts(emptyGroupingState(), posts, now);
    expect(summarizeIssue(state, assignments[0]!.issueId!, now)?.growth).toEqual({ last: 3, previous: 2, ratio: 1.5 });
  });
});

describe('user decisions are kept', () => {
  test('a renamed issue keeps its label as posts arrive', () => {
    const a = group(['parcel never arrived', 'package still not delivered']);
    const renamed = renameIssue(a.state, a.ids[0]!, 'DHL strike backlog');
    const b = group(['delivery is late again'], renamed);
    expect(b.ids[0]).toBe(a.ids[0]);
    expect(b.state.issues[String(a.ids[0])]?.label).toBe('DHL strike backlog');
  });

  test('after a merge, posts like the merged issue go to the issue it was merged into', () => {
    const a = group(['parcel never arrived', 'package still not delivered', 'charged twice for one order', 'I was double billed']);
    const [late, billing] = [a.ids[0]!, a.ids[2]!];
    expect(late).not.toBe(billing);
    const merged = mergeIssues(a.state, late, billing);
    const b = group(['billed twice again this month'], merged);
    expect(b.ids[0]).toBe(late);
    expect(summarizeIssue(b.state, late, new Date(T0))?.posts).toBe(5);
    expect(b.state.issues[String(billing)]?.lifecycle).toBe('merged');
  });

  test('a split moves the chosen posts to a new issue that draws their like and is not merged back', () => {
    const posts = ['housing cracked on arrival', 'cracked casing', 'the housing has a crack, batch 7', 'batch 7 housings split open'].map((t) => post(t));
    const a = groupPosts(emptyGroupingState(), posts, new Date(T0 + 100 * MIN));
    const id = a.assignments[0]!.issueId!;
    expect(new Set(a.assignments.map((x) => x.issueId))).toEqual(new Set([id]));
    const { state, newIssueId } = splitIssue(a.state, id, posts.slice(2));
    expect(newIssueId).not.toBeNull();
    expect(summarizeIssue(state, id, new Date(T0))?.posts).toBe(2);
    expect(summarizeIssue(state, newIssueId!, new Date(T0))).toMatchObject({ posts: 2, label: 'cracked housing, batch 7' });
    const b = group(['batch 7 again: cracks in every housing', 'cracked casing again'], state);
    expect(b.ids).toEqual([newIssueId, id]);
    expect(b.state.issues[String(newIssueId)]?.lifecycle).toBe('open');
  });

  test('a resolved issue stops receiving posts: the problem coming back opens a new issue', () => {
    const a = group(['parcel never arrived', 'package still not delivered']);
    const b = group(['delivery is late again'], setIssueStatus(a.state, a.ids[0]!, 'resolved'));
    expect(b.ids[0]).not.toBe(a.ids[0]);
  });
});

describe('idempotence and lifecycle', () => {
  test('feeding the same post twice changes nothing', () => {
    const p = post('parcel never arrived');
    const first = groupPosts(emptyGroupingState(), [p], new Date(T0 + 100 * MIN));
    const again = groupPosts(first.state, [p], new Date(T0 + 100 * MIN));
    expect(again.state).toEqual(first.state);
    expect(again.assignments).toEqual(first.assignments);
    expect(again.changes).toEqual([]);
  });

  test('the state survives a JSON round trip', () => {
    const a = group([...BACKGROUND, 'parcel never arrived']);
    const restored = JSON.parse(JSON.stringify(a.state)) as GroupingState;
    expect(group(['package still not delivered'], restored).ids[0]).toBe(a.ids[4]);
  });

  test('an issue quiet for longer than the stale period closes, and the next such post opens a new one', () => {
    const a = groupPosts(emptyGroupingState(), [post('parcel never arrived')], new Date(T0 + 100 * MIN));
    const later = new Date(T0 + 8 * 86_400_000);
    const b = groupPosts(a.state, [{ ...post('package still not delivered'), createdAt: later }], later);
    expect(b.changes).toContainEqual({ type: 'closed', issueId: a.assignments[0]!.issueId });
    expect(b.assignments[0]!.issueId).not.toBe(a.assignments[0]!.issueId);
  });

  test('posts that are not complaints or questions are not grouped, and issues are per subject', () => {
    const r = groupPosts(
      emptyGroupingState(),
      [post('love the new colours', { isComplaintOrQuestion: false }), post('parcel never arrived'), post('parcel never arrived', { subjectId: 2 })],
      new Date(T0),
    );
    expect(r.assignments[0]!.issueId).toBeNull();
    expect(r.assignments[2]!.issueId).not.toBe(r.assignments[1]!.issueId);
  });
});

test.each([
  [{ intent: 'complaint', label: 'neutral' }, true],
  [{ intent: 'question', label: 'neutral' }, true],
  [{ intent: 'other', label: 'negative' }, true],
  [{ intent: 'praise', label: 'negative' }, false],
  [{ intent: 'other', label: 'positive' }, false],
] as const)('isGroupable(%j) is %s', (a, expected) => {
  expect(isGroupable(a)).toBe(expected);
});

test.each([
  [{ intent: 'other', label: 'neutral', score: 0 }, 'Still no sign of my order from last month', true],
  [{ intent: 'praise', label: 'positive', score: 0.25 }, "Christmas present didn't make it in time, arrived January 4th", true],
  [{ intent: 'praise', label: 'positive', score: 0.9 }, 'Love how fast the delivery was', false],
  [{ intent: 'other', label: 'neutral', score: 0 }, 'New catalogue is out', false],
] as const)('with its text, isGroupable(%j, "%s") is %s', (a, text, expected) => {
  expect(isGroupable(a, text)).toBe(expected);
});

test.each([
  ['Where is my parcel?', true],
  ['cracked housing again', true],
  ['Loving the new colours', false],
])('the keyword stand-in calls "%s" a complaint or question: %s', (text, expected) => {
  expect(looksLikeComplaintOrQuestion(text)).toBe(expected);
});

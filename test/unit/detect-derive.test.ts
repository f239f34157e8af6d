import { expect, test } from 'vitest';
import { deriveStep, emptyDeriveState, type DerivePost } from '../../server/analysis/detect';

const T0 = Date.UTC(2026, 3, 6, 10);
const MIN = 60_000;

function post(id: string, minute: number, extra: Partial<DerivePost> = {}): DerivePost {
  return { id, text: 'my parcel never arrived', createdAt: new Date(T0 + minute * MIN), authorId: `a${id}`, source: 'x', subjectIds: [1], label: 'negative', groupable: true, ...extra };
}

test('a post about two subjects is grouped once in each subject', () => {
  const r = deriveStep(emptyDeriveState(), [post('1', 1, { subjectIds: [1, 2] })], new Date(T0 + 2 * MIN));
  expect(r.assignments.map((a) => a.subjectId)).toEqual(['1', '2']);
  expect(new Set(r.assignments.map((a) => a.issueId)).size).toBe(2);
  expect(r.assignments.every((a) => a.postId === '1')).toBe(true);
});

test('posts of the bucket still filling wait, and are counted once it completes', () => {
  const state = emptyDeriveState();
  deriveStep(state, [post('1', 1), post('2', 2)], new Date(T0 + 3 * MIN));
  expect(state.pending).toHaveLength(2);
  deriveStep(state, [], new Date(T0 + 6 * MIN));
  expect(state.pending).toHaveLength(0);
  expect(state.detect.subjects['1']?.recent.at(-1)).toMatchObject({ start: T0, posts: 2, authors: 2 });
});

test('replaying a batch groups and counts nothing twice', () => {
  const state = emptyDeriveState();
  const batch = [post('1', 1), post('2', 2)];
  deriveStep(state, batch, new Date(T0 + 3 * MIN));
  const issues = JSON.stringify(state.grouping.issues);
  const again = deriveStep(state, batch, new Date(T0 + 3 * MIN));
  expect(again.issueChanges).toEqual([]);
  expect(JSON.stringify(state.grouping.issues)).toBe(issues);
  deriveStep(state, batch, new Date(T0 + 6 * MIN));
  deriveStep(state, batch, new Date(T0 + 7 * MIN));
  expect(state.detect.subjects['1']?.recent.map((b) => b.posts)).toEqual([2]);
});

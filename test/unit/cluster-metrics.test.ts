import { expect, test } from 'vitest';
import { adjustedRand, nmi } from '../../server/analysis/cluster-metrics';

test.each([
  { name: 'identical clusterings', a: ['a', 'a', 'b', 'b', 'c'], b: ['a', 'a', 'b', 'b', 'c'], nmi: 1, ari: 1 },
  { name: 'the same clustering under other names', a: ['a', 'a', 'b', 'b'], b: ['y', 'y', 'x', 'x'], nmi: 1, ari: 1 },
  { name: 'independent clusterings', a: ['a', 'a', 'b', 'b'], b: ['x', 'y', 'x', 'y'], nmi: 0, ari: -0.5 },
  // The scikit-learn user guide's example (NMI 0.51..., ARI 0.24...), full digits recomputed by hand.
  { name: 'a partial agreement', a: ['0', '0', '0', '1', '1', '1'], b: ['0', '0', '1', '1', '2', '2'], nmi: 0.5158037429793889, ari: 0.24242424242424243 },
])('$name score NMI $nmi and ARI $ari', (c) => {
  expect(nmi(c.a, c.b)).toBeCloseTo(c.nmi, 9);
  expect(adjustedRand(c.a, c.b)).toBeCloseTo(c.ari, 9);
});

test('putting everything in one cluster scores zero against a real partition', () => {
  const truth = ['a', 'a', 'b', 'b', 'c', 'c'];
  const one = truth.map(() => 'all');
  expect(nmi(truth, one)).toBe(0);
  expect(adjustedRand(truth, one)).toBe(0);
});

test('clusterings of different lengths are refused', () => {
  expect(() => nmi(['a'], ['a', 'b'])).toThrow(/different lengths/);
});

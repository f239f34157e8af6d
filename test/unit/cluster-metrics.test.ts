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

/** ARI from the four pair counts (Steinley 2004), enumerating every pair: an independent route to the same number. */
function pairCountAri(a: string[], b: string[]): number {
  let n11 = 0;
  let n10 = 0;
  let n01 = 0;
  let n00 = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const sa = a[i] === a[j];
      const sb = b[i] === b[j];
      if (sa && sb) n11++;
      else if (sa) n10++;
      else if (sb) n01++;
      else n00++;
    }
  }
  return (2 * (n00 * n11 - n01 * n10)) / ((n00 + n01) * (n01 + n11) + (n00 + n10) * (n10 + n11));
}

/** NMI as (H(A) + H(B) - H(A,B)) / mean(H(A), H(B)), from joint labels: another route to the mutual information. */
function jointEntropyNmi(a: string[], b: string[]): number {
  const h = (xs: string[]) => {
    const c = new Map<string, number>();
    for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
    let s = 0;
    for (const k of c.values()) s -= (k / xs.length) * Math.log(k / xs.length);
    return s;
  };
  const ha = h(a);
  const hb = h(b);
  return (ha + hb - h(a.map((x, i) => `${x}\u0000${b[i]}`))) / ((ha + hb) / 2);
}

test('on random clusterings NMI and ARI agree with their textbook definitions computed another way', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 40; round++) {
    const n = 5 + Math.floor(next() * 60);
    const ka = 2 + Math.floor(next() * 6);
    const kb = 2 + Math.floor(next() * 12);
    const truth = Array.from({ length: n }, () => `t${Math.floor(next() * ka)}`);
    // Half the time the second clustering copies the first with noise, so both high and low agreement are covered.
    const copy = next() < 0.5;
    const ours = truth.map((t) => (copy && next() < 0.7 ? `o${t}` : `o${Math.floor(next() * kb)}`));
    if (new Set(truth).size < 2 || new Set(ours).size < 2) continue;
    expect(adjustedRand(truth, ours)).toBeCloseTo(pairCountAri(truth, ours), 9);
    expect(nmi(truth, ours)).toBeCloseTo(jointEntropyNmi(truth, ours), 9);
  }
});

test('leaving posts ungrouped as one shared label scores worse than grouping them right, and no better than singletons would', () => {
  const truth = ['late', 'late', 'late', 'billing', 'billing', 'billing', 'safety', 'safety', 'safety'];
  const right = ['1', '1', '1', '2', '2', '2', '3', '3', '3'];
  // The hard posts (the last of each category) left out of the grouping: they share the 'ungrouped' label.
  const leftOut = ['1', '1', 'ungrouped', '2', '2', 'ungrouped', '3', '3', 'ungrouped'];
  expect(adjustedRand(truth, leftOut)).toBeLessThan(adjustedRand(truth, right));
  expect(nmi(truth, leftOut)).toBeLessThan(nmi(truth, right));
  const singletons = ['1', '1', 's1', '2', '2', 's2', '3', '3', 's3'];
  expect(adjustedRand(truth, leftOut)).toBeLessThanOrEqual(adjustedRand(truth, singletons));
});

import { expect, test } from 'vitest';
import { addToSketch, emptySketch, estimate, HLL_REGISTERS, hllPosition, mergeSketch } from '../../server/analysis/hll';

const sketchOf = (keys: Iterable<string>) => {
  const s = emptySketch();
  for (const k of keys) addToSketch(s, k);
  return s;
};
const range = (from: number, to: number, prefix = 'author-') => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

test.each([0, 1, 10, 100, 1_000, 10_000, 200_000])('estimates %i distinct keys within 5 %', (n) => {
  const e = estimate(sketchOf(range(0, n)));
  expect(Math.abs(e - n)).toBeLessThanOrEqual(Math.max(1, n * 0.05));
});

test('adding the same keys again changes nothing (re-delivered batches do not inflate counts)', () => {
  const s = sketchOf(range(0, 5000));
  const before = estimate(s);
  let changed = false;
  for (const k of range(0, 5000)) changed = addToSketch(s, k) || changed;
  expect(changed).toBe(false);
  expect(estimate(s)).toBe(before);
});

test('merging day sketches counts an author who posted on both days once', () => {
  const monday = sketchOf(range(0, 3000));
  const tuesday = sketchOf(range(2000, 5000));
  mergeSketch(monday, tuesday);
  expect(Math.abs(estimate(monday) - 5000)).toBeLessThan(250);
});

test('a key raises exactly its register to its rank (what the database does with a batch of authors)', () => {
  for (const key of range(0, 200)) {
    const { register, rank } = hllPosition(key);
    expect(register).toBeGreaterThanOrEqual(0);
    expect(register).toBeLessThan(HLL_REGISTERS);
    const s = emptySketch();
    addToSketch(s, key);
    expect([...s.entries()].filter(([, v]) => v > 0)).toEqual([[register, rank]]);
  }
});

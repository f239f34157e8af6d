import { expect, test } from 'vitest';
import { PROBE_LENGTH, probeTexts } from '../../server/analysis/pattern-probe';
import { checkPatterns } from '../../server/services/reference-patterns.service';

test('probe texts are 10 KB runs of the test string and its characters, each spoiled at the end', () => {
  const texts = probeTexts('lot 42');
  expect(texts.every((t) => t.length === PROBE_LENGTH)).toBe(true);
  expect(texts[0]!.startsWith('lot 42lot 42')).toBe(true);
  expect(texts[2]!.startsWith('looo')).toBe(true);
  expect(texts[2]!.endsWith('o\u0001')).toBe(true);
  // One per distinct character of the test string, then the generic runs.
  expect(texts).toHaveLength(1 + 6 + 8);
});

test.each([
  { what: 'a plain claim pattern', regex: String.raw`claim\s*#?(\d{5})`, test: 'claim #12345', ok: true },
  { what: 'a nested quantifier', regex: String.raw`(\d+)+x`, test: '12x', ok: false },
  // The static check misses this one ((\d+\s?)+ ends its group with ?): the time box catches it.
  { what: 'an ambiguous repetition the static check misses', regex: String.raw`ref ((\d+\s?)+)$`, test: 'ref 12 34', ok: false },
  { what: 'a pattern that does not compile', regex: '(unclosed', test: 'unclosed', ok: false },
  { what: 'a pattern that misses its own test string', regex: String.raw`rma-(\d+)`, test: 'return 12', ok: false },
])('$what is accepted: $ok', async ({ regex, test: sample, ok }) => {
  const r = await checkPatterns([{ name: 'p', regex, test: sample }]);
  expect(Object.keys(r.errors).length === 0).toBe(ok);
  expect(r.compiled.length).toBe(ok ? 1 : 0);
}, 20_000);

test('a slow pattern is named as too slow on a 10 KB text', async () => {
  const r = await checkPatterns([{ name: 'slow', regex: String.raw`ref ((\d+\s?)+)$`, test: 'ref 12 34' }]);
  expect(r.errors.slow).toMatch(/more than \d+ ms on a 10 KB text/);
}, 20_000);

import { expect, test } from 'vitest';
import { dedupeKey, normalizeForDedupe } from '../../server/analysis/dedupe';
import { compilePatterns, extractReferences } from '../../server/analysis/references';

test.each([
  ['where is order #48213?', [['order', '48213']]],
  ['order no. 77120 never came', [['order', '77120']]],
  ['INV-2026-0193 paid late', [['invoice', 'INV-2026-0193']]],
  ['invoice 88123 still open', [['invoice', '88123']]],
  ['PO 4500012345 is blocked', [['purchase_order', '4500012345']]],
  ['cracked housing, batch 42', [['lot', '42']]],
  ['lot L-2231 leaking', [['lot', 'L-2231']]],
  ['flight UA123 delayed', [['flight', 'UA123']]],
  ['flight AA 1234 cancelled', [['flight', 'AA1234']]],
  ['part no 88-1234 wrong', [['part', '88-1234']]],
  ['ticket #5521 ignored', [['ticket', '5521']]],
  ['I have 3 kids and 42 problems', []],
])('%s', (text, expected) => {
  expect(extractReferences(text).map((r) => [r.type, r.value])).toEqual(expected);
});

test('100 KB of hostile text is scanned quickly and safely', () => {
  expect(extractReferences('order '.repeat(20_000) + 'order #1234')).toEqual([]);
});

test('deployment patterns are checked: compile, capture, match their test, no nested quantifiers', () => {
  const r = compilePatterns([
    { name: 'claim', regex: String.raw`claim\s*#?(\d{5})`, test: 'claim #12345' },
    { name: 'bad', regex: '(a+)+$', test: 'aaa' },
    { name: 'nocapture', regex: String.raw`claim\d+`, test: 'claim1' },
    { name: 'miss', regex: String.raw`x(\d)`, test: 'nothing' },
    { name: 'broken', regex: '(', test: '(' },
  ]);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(Object.keys(r.errors).sort()).toEqual(['bad', 'broken', 'miss', 'nocapture']);
  const good = compilePatterns([{ name: 'claim', regex: String.raw`claim\s*#?(\d{5})`, test: 'claim #12345' }]);
  expect(good.ok && extractReferences('my claim 55555 is lost', good.patterns).map((x) => x.value)).toEqual(['55555']);
});

test.each([
  ['RT @acme: Parcel LATE again!! https://t.co/abc', 'parcel late again', true],
  ['@acme @bob parcel late again', 'Parcel late again.', true],
  ['parcel late again', 'parcel early again', false],
])('"%s" and "%s" share a dedupe key: %s', (a, b, same) => {
  expect(dedupeKey(a) === dedupeKey(b)).toBe(same);
});

test.each([
  ['RT @acme: Parcel LATE again!! https://t.co/abc', 'parcel late again'],
  ['  Café — LATE, again…  ', 'café late again'],
  ['Ünïcode_and ascii__mixed #Tag @who', 'ünïcode and ascii mixed #tag @who'],
  // The Kelvin sign lower-cases to an ASCII k.
  ['KELVIN \u212a and ASCII only', 'kelvin k and ascii only'],
  ['rtx 4090 is late', 'rtx 4090 is late'],
  ['😀😀 http://x.y/z 😀', ''],
])('"%s" normalises to "%s" for dedupe, ASCII or not', (text, normal) => {
  expect(normalizeForDedupe(text)).toBe(normal);
});

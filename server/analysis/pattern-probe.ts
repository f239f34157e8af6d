/**
 * Texts that make a badly written pattern backtrack for ages: long runs of the characters its test
 * string is made of, each ending in a character that spoils the match. A pattern that gets through
 * all of them quickly is fast enough for posts (which the extractor cuts at 20,000 characters).
 */
export const PROBE_LENGTH = 10_240;
const SPOILER = '\u0001';

/** @example probeTexts('lot 42', 12) // ['lot 42lot 42', 'lllllllllll\u0001', 'loooooooooo\u0001', ...] */
export function probeTexts(test: string, length = PROBE_LENGTH): string[] {
  const fill = (prefix: string, unit: string) => (prefix + unit.repeat(Math.ceil(length / Math.max(1, unit.length)))).slice(0, length - 1) + SPOILER;
  const texts = [test.repeat(Math.ceil(length / test.length)).slice(0, length)];
  const seen = new Set<string>();
  for (let i = 0; i < test.length && seen.size < 40; i++) {
    const c = test[i]!;
    if (seen.has(c)) continue;
    seen.add(c);
    texts.push(fill(test.slice(0, i), c));
  }
  for (const unit of ['a', '1', ' ', 'a1', 'a ', '1 ', '-1', 'A-']) texts.push(fill('', unit));
  return texts;
}

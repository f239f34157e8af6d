import { describe, expect, test } from 'vitest';
import { backoffDelay } from '../../server/sources/backoff';

describe('backoffDelay', () => {
  test.each([
    { attempt: 0, random: 1, expected: 1000 },
    { attempt: 1, random: 1, expected: 2000 },
    { attempt: 3, random: 0.5, expected: 4000 },
    { attempt: 10, random: 1, expected: 60_000 },
    { attempt: 1000, random: 1, expected: 60_000 },
  ])('attempt $attempt with random $random waits $expected ms', ({ attempt, random, expected }) => {
    expect(backoffDelay(attempt, { baseMs: 1000, capMs: 60_000 }, () => random)).toBe(expected);
  });

  test('a retry never waits zero, so a server that drops at once cannot cause a tight loop', () => {
    expect(backoffDelay(0, { baseMs: 1000, capMs: 60_000 }, () => 0)).toBeGreaterThanOrEqual(100);
  });
});

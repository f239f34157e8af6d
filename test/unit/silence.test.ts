import { describe, expect, test } from 'vitest';
import { detect, emptyDetectState } from '../../server/analysis/detect';
import { checkSilence, emptyHistory, recordArrivals, usualQuietMs, type ArrivalHistory } from '../../server/analysis/silence';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');

/** Arrivals in the given hours of the day, every day for `days` days. */
function history(days: number, hoursOfDay: (h: number) => boolean): ArrivalHistory {
  let h = emptyHistory();
  for (let d = 0; d < days; d++) for (let hour = 0; hour < 24; hour++) if (hoursOfDay(hour)) h = recordArrivals(h, new Date(T0 + d * 24 * HOUR + hour * HOUR + 10 * 60_000), 5);
  return h;
}

describe('a source learns its own quiet', () => {
  const office = history(7, (h) => h >= 8 && h < 18); // a news feed that sleeps 14 hours a night
  const busy = history(7, () => true); // a stream with posts every hour
  const lastOffice = office.lastArrivalAt!;
  const lastBusy = busy.lastArrivalAt!;

  test('the usual quiet is the longest gap between hours with posts', () => {
    expect(usualQuietMs(office)).toBe(15 * HOUR);
    expect(usualQuietMs(busy)).toBe(HOUR);
  });

  test.each([
    ['a feed quiet overnight for 12 h', () => office, lastOffice + 12 * HOUR, false],
    ['a feed quiet for 24 h', () => office, lastOffice + 24 * HOUR, true],
    ['a busy stream quiet for 1 h', () => busy, lastBusy + HOUR, false],
    ['a busy stream quiet for 2 h', () => busy, lastBusy + 2 * HOUR, true],
  ])('%s: silent = %s', (_name, h, now, silent) => {
    expect(checkSilence(h(), new Date(now)).silent).toBe(silent);
  });

  test('a young source uses a cautious threshold, and never goes below the floor', () => {
    const young = recordArrivals(recordArrivals(emptyHistory(), new Date(T0), 3), new Date(T0 + 10 * 60_000), 3);
    expect(checkSilence(young, new Date(T0 + 3 * HOUR)).silent).toBe(false);
    expect(checkSilence(young, new Date(T0 + 5 * HOUR)).silent).toBe(true);
    expect(checkSilence(busy, new Date(lastBusy + 20 * 60_000), { floorMs: 30 * 60_000, factor: 0.01, minHistoryHours: 24, youngThresholdMs: HOUR, keepHours: 336 }).silent).toBe(false);
  });

  test('a source that never delivered is not called silent (its health says idle or failing)', () => {
    expect(checkSilence(emptyHistory(), new Date(T0 + 100 * HOUR)).silent).toBe(false);
  });

  test('expected posts per hour follow the hour of the day', () => {
    expect(checkSilence(office, new Date(T0 + 7 * 24 * HOUR + 10 * HOUR)).expectedPerHour).toBeCloseTo(5, 5);
    expect(checkSilence(office, new Date(T0 + 7 * 24 * HOUR + 2 * HOUR)).expectedPerHour).toBe(0);
  });

  test('history older than the window is forgotten', () => {
    const h = recordArrivals(history(30, () => true), new Date(T0 + 31 * 24 * HOUR), 1);
    expect(Object.keys(h.hours).length).toBeLessThanOrEqual(14 * 24);
  });
});

describe('the silent-source alert', () => {
  test('opens while silent and resolves at the first post back, with no cooldown', () => {
    const silent = { source: 'rss:acme', silent: true, lastPostAt: new Date(T0) };
    const a = detect(emptyDetectState(), { sources: [silent] }, new Date(T0 + 5 * HOUR));
    const b = detect(a.state, { sources: [{ ...silent, silent: false }] }, new Date(T0 + 5 * HOUR + 60_000));
    const c = detect(b.state, { sources: [silent] }, new Date(T0 + 9 * HOUR));
    expect(a.events.map((e) => [e.type, e.alert.kind])).toEqual([['opened', 'source_silent']]);
    expect(b.events.map((e) => e.type)).toEqual(['resolved']);
    expect(c.events.map((e) => e.type)).toEqual(['opened']);
  });
});

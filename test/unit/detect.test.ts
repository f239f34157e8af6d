import { describe, expect, test } from 'vitest';
import {
  binomialUpperTail,
  bucketize,
  countUpperTail,
  detect,
  emptyAlertBook,
  emptyDetectState,
  stepAlerts,
  type AlertEvent,
  type BucketPost,
  type Signal,
} from '../../server/analysis/detect';
import { seededRandom } from '../../server/sources/demo/random';

const BUCKET = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2); // a Monday, 00:00 UTC

const rng = seededRandom;

function poisson(mean: number, r: () => number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

/** A daily rhythm: `night` posts per bucket at 03:00, `day` at 15:00. */
const rhythm = (night: number, day: number) => (t: number) => {
  const h = ((t - T0) % DAY) / HOUR;
  return night + ((day - night) * (1 - Math.cos(((h - 3) / 24) * 2 * Math.PI))) / 2;
};

interface Extra {
  at: number;
  posts: number;
  authors: number;
}

/** Posts drawn per bucket from `rate`, each by a different author, plus `extra` bursts. */
function series(days: number, rate: (t: number) => number, extra: Extra[] = [], seed = 7): BucketPost[] {
  const r = rng(seed);
  const posts: BucketPost[] = [];
  let n = 0;
  for (let t = T0; t < T0 + days * DAY; t += BUCKET) {
    const k = poisson(rate(t), r);
    for (let i = 0; i < k; i++) posts.push({ id: `p${n}`, createdAt: new Date(t + 1000 * i), authorId: `a${n++}`, source: 'x', label: 'neutral' });
  }
  for (const e of extra) {
    for (let i = 0; i < e.posts; i++) {
      posts.push({ id: `e${n}`, createdAt: new Date(e.at + ((i * 7_000) % (2 * BUCKET))), authorId: `loud${i % e.authors}`, source: 'x', label: 'negative' });
      n++;
    }
  }
  return posts;
}

function run(posts: BucketPost[], days: number): AlertEvent[] {
  const buckets = bucketize(posts, BUCKET);
  return detect(emptyDetectState(), { subjects: [{ subjectId: 1, buckets }] }, new Date(T0 + days * DAY)).events;
}

const opened = (events: AlertEvent[]) => events.filter((e) => e.type === 'opened' && e.alert.kind === 'volume_spike');
const spikeAt = T0 + 2 * DAY + 14 * HOUR;

describe('volume spikes on synthetic series', () => {
  test.each([
    { name: 'a flat series', posts: series(3, () => 2) },
    { name: 'a daily rhythm', posts: series(3, rhythm(0.2, 6)) },
    { name: 'a single loud account posting 50 times', posts: series(3, () => 1, [{ at: spikeAt, posts: 50, authors: 1 }]) },
    { name: 'small counts at night', posts: series(3, rhythm(0.05, 4), [{ at: T0 + 2 * DAY + 3 * HOUR, posts: 3, authors: 3 }]) },
  ])('$name raises no alert', ({ posts }) => {
    expect(opened(run(posts, 3))).toEqual([]);
  });

  test('slow growth raises at most one mild alert', () => {
    const events = opened(run(series(4, (t) => 2 + (2 * (t - T0)) / (4 * DAY)), 4));
    expect(events.length).toBeLessThanOrEqual(1);
    for (const e of events) expect(e.alert.severity).toBe('info');
  });

  test.each([
    { name: 'on a flat series', rate: () => 2, burst: 40 },
    { name: 'in the afternoon of a daily rhythm', rate: rhythm(0.2, 6), burst: 50 },
    { name: 'at night', rate: rhythm(0.2, 6), burst: 25, at: T0 + 2 * DAY + 2 * HOUR },
  ])('a sudden spike $name alerts within two buckets', ({ rate, burst, at }) => {
    const onset = at ?? spikeAt;
    const events = opened(run(series(3, rate, [{ at: onset, posts: burst, authors: burst }]), 3));
    expect(events).toHaveLength(1);
    const alert = events[0]!.alert;
    expect(alert.openedAt - onset).toBeLessThanOrEqual(2 * BUCKET);
    expect(alert.why.distinctAuthors).toBeGreaterThanOrEqual(5);
    expect(alert.why.observed).toBeGreaterThan(alert.why.expected);
    expect(alert.why.postIds.length).toBeGreaterThan(0);
  });

  test('a series whose threads often draw a few people at once learns it: a burst of the usual size is no spike, a much bigger one is', () => {
    const daily = [0, 1, 2, 3].map((d) => ({ at: T0 + d * DAY + (7 + 5 * d) * HOUR, posts: 12, authors: 12 }));
    const usual = opened(run(series(4, () => 2, daily), 4)).filter((e) => e.alert.openedAt > T0 + 2 * DAY);
    expect(usual).toEqual([]);
    const big = opened(run(series(4, () => 2, [...daily, { at: T0 + 3 * DAY + 20 * HOUR, posts: 50, authors: 50 }]), 4));
    expect(big.filter((e) => e.alert.openedAt > T0 + 3 * DAY + 20 * HOUR)).toHaveLength(1);
  });

  test('a spike alerts inside the bucket it starts in, judged on the part of the bucket gone by; that bucket is learned only once complete', () => {
    const posts = series(3, () => 2, [{ at: spikeAt, posts: 40, authors: 40 }]);
    const upTo = (t: number) => ({ subjects: [{ subjectId: 1, buckets: bucketize(posts.filter((p) => p.createdAt.getTime() < t), BUCKET) }] });
    const now = spikeAt + 2 * 60_000;
    const early = detect(emptyDetectState(), upTo(now), new Date(now));
    const alerts = opened(early.events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.alert.openedAt).toBe(now);
    expect(early.state.subjects['1']!.lastStart).toBe(spikeAt - BUCKET);
    // Once the bucket completes the same spike updates the open alert instead of opening another.
    const complete = detect(early.state, upTo(spikeAt + BUCKET), new Date(spikeAt + BUCKET));
    expect(opened(complete.events)).toEqual([]);
    expect(complete.state.subjects['1']!.lastStart).toBe(spikeAt);
  });

  test('a bucket just begun, with as many people as usual so far, raises nothing', () => {
    const posts = series(3, () => 2);
    const now = spikeAt + 60_000;
    const r = detect(emptyDetectState(), { subjects: [{ subjectId: 1, buckets: bucketize(posts.filter((p) => p.createdAt.getTime() < now), BUCKET) }] }, new Date(now));
    expect(opened(r.events)).toEqual([]);
  });

  test('no alert before the minimum history, however big the burst', () => {
    expect(opened(run(series(1, () => 2, [{ at: T0 + 6 * HOUR, posts: 60, authors: 60 }]), 1))).toEqual([]);
  });

  test('running detection twice on the same buckets changes nothing', () => {
    const buckets = bucketize(series(3, () => 2, [{ at: spikeAt, posts: 40, authors: 40 }]), BUCKET);
    const now = new Date(T0 + 3 * DAY);
    const first = detect(emptyDetectState(), { subjects: [{ subjectId: 1, buckets }] }, now);
    const again = detect(first.state, { subjects: [{ subjectId: 1, buckets }] }, now);
    expect(again.events).toEqual([]);
    expect(again.state).toEqual(first.state);
  });

  test('high sensitivity alerts on a burst that low sensitivity lets pass', () => {
    const buckets = bucketize(series(3, () => 2, [{ at: spikeAt, posts: 12, authors: 12 }]), BUCKET);
    const now = new Date(T0 + 3 * DAY);
    const at = (sensitivity: 'low' | 'normal' | 'high') =>
      opened(detect(emptyDetectState(), { subjects: [{ subjectId: 1, sensitivity, buckets }] }, now).events).length;
    expect(at('low')).toBe(0);
    expect(at('high')).toBe(1);
  });
});

describe('negative share and issues', () => {
  test('a sharp rise of the negative share alerts; a steady share does not', () => {
    const posts = series(3, () => 3).map((p, i) => ({ ...p, label: i % 5 === 0 ? ('negative' as const) : ('neutral' as const) }));
    const calm = detect(emptyDetectState(), { subjects: [{ subjectId: 1, buckets: bucketize(posts, BUCKET) }] }, new Date(T0 + 3 * DAY));
    expect(calm.events.filter((e) => e.alert.kind === 'negative_share')).toEqual([]);
    const turned = posts.map((p) => (p.createdAt.getTime() >= spikeAt && p.createdAt.getTime() < spikeAt + HOUR ? { ...p, label: 'negative' as const } : p));
    const r = detect(emptyDetectState(), { subjects: [{ subjectId: 1, buckets: bucketize(turned, BUCKET) }] }, new Date(T0 + 3 * DAY));
    expect(r.events.filter((e) => e.type === 'opened' && e.alert.kind === 'negative_share')).toHaveLength(1);
  });

  test('a new issue drawing many distinct authors quickly is an emerging issue, with its label in the why', () => {
    const background = series(3, () => 2);
    const issuePosts = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, createdAt: new Date(spikeAt + i * 60_000), authorId: `c${i}`, source: 'x', label: 'negative' as const }));
    const r = detect(
      emptyDetectState(),
      {
        subjects: [{ subjectId: 1, buckets: bucketize([...background, ...issuePosts], BUCKET) }],
        issues: [{ issueId: 9, subjectId: 1, label: 'cracked housing, batch 42', topTerms: ['cracked'], representativePostIds: ['i3'], buckets: bucketize(issuePosts, BUCKET) }],
      },
      new Date(T0 + 3 * DAY),
    );
    const emerging = r.events.filter((e) => e.type === 'opened' && e.alert.kind === 'issue_emerging');
    expect(emerging).toHaveLength(1);
    expect(emerging[0]!.alert.why).toMatchObject({ issueId: 9, issueLabel: 'cracked housing, batch 42', postIds: ['i3'] });
  });

  test('an established issue drawing authors much faster than its own rate is accelerating', () => {
    const background = series(3, () => 2);
    const steady = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, createdAt: new Date(T0 + DAY + i * HOUR), authorId: `s${i}`, source: 'x', label: 'negative' as const }));
    const surge = Array.from({ length: 15 }, (_, i) => ({ id: `g${i}`, createdAt: new Date(spikeAt + 12 * HOUR + i * 2 * 60_000), authorId: `g${i}`, source: 'x', label: 'negative' as const }));
    const issuePosts = [...steady, ...surge];
    const r = detect(
      emptyDetectState(),
      {
        subjects: [{ subjectId: 1, buckets: bucketize([...background, ...issuePosts], BUCKET) }],
        issues: [{ issueId: 4, subjectId: 1, firstSeen: new Date(T0 + DAY), buckets: bucketize(issuePosts, BUCKET) }],
      },
      new Date(T0 + 4 * DAY),
    );
    const kinds = r.events.filter((e) => e.type === 'opened' && e.alert.issueId === 4).map((e) => e.alert.kind);
    expect(kinds).toEqual(['issue_accelerating']);
  });

  test('one account repeating itself in an issue is not an emerging issue', () => {
    const background = series(3, () => 2);
    const issuePosts = Array.from({ length: 30 }, (_, i) => ({ id: `i${i}`, createdAt: new Date(spikeAt + i * 60_000), authorId: 'same', source: 'x', label: 'negative' as const }));
    const r = detect(
      emptyDetectState(),
      { subjects: [{ subjectId: 1, buckets: bucketize([...background, ...issuePosts], BUCKET) }], issues: [{ issueId: 9, subjectId: 1, buckets: bucketize(issuePosts, BUCKET) }] },
      new Date(T0 + 3 * DAY),
    );
    expect(r.events.filter((e) => e.type === 'opened')).toEqual([]);
  });

  test('a silent source raises one warning that stays open while silent', () => {
    const src = { source: 'rss:acme', silent: true, lastPostAt: new Date(T0) };
    const a = detect(emptyDetectState(), { sources: [src] }, new Date(T0 + HOUR));
    const b = detect(a.state, { sources: [src] }, new Date(T0 + 2 * HOUR));
    expect(a.events.map((e) => [e.type, e.alert.kind, e.alert.severity])).toEqual([['opened', 'source_silent', 'warning']]);
    expect(b.events).toEqual([]);
  });
});

describe('alert lifecycle', () => {
  const sig = (observed: number, pValue = 1e-8): Signal => ({
    key: 'volume_spike:subject:3',
    kind: 'volume_spike',
    subjectId: '3',
    issueId: null,
    source: null,
    observed,
    expected: 2,
    pValue,
    windowBuckets: 3,
    windowStart: 0,
    windowEnd: BUCKET,
    why: { summary: '', observed, expected: 2, since: new Date(0).toISOString(), series: [], topTerms: [], issueId: null, issueLabel: null, postIds: [], sources: {}, distinctAuthors: observed },
  });
  const MIN = 60_000;

  test('one open alert per condition: a repeated signal updates it instead of opening another', () => {
    const a = stepAlerts(emptyAlertBook(), [sig(10), sig(11)], 0);
    expect(a.events.map((e) => e.type)).toEqual(['opened']);
    const b = stepAlerts(a.book, [sig(10)], 5 * MIN);
    expect(b.events).toEqual([]);
    expect(Object.values(b.book.byKey)).toHaveLength(1);
  });

  test.each([
    { observed: 14, pValue: 1e-8, event: 'updated' },
    { observed: 60, pValue: 1e-20, event: 'escalated' },
  ])('a growing condition ($observed authors) is announced as $event on the same alert', ({ observed, pValue, event }) => {
    const a = stepAlerts(emptyAlertBook(), [sig(10, 1e-8)], 0);
    const b = stepAlerts(a.book, [sig(observed, pValue)], 5 * MIN);
    expect(b.events.map((e) => e.type)).toEqual([event]);
    expect(b.events[0]!.alert.id).toBe(a.events[0]!.alert.id);
    expect(b.events[0]!.alert.observed).toBe(observed);
  });

  test('resolves after an hour back to normal, then stays quiet through the cooldown', () => {
    const a = stepAlerts(emptyAlertBook(), [sig(10)], 0);
    const early = stepAlerts(a.book, [], 30 * MIN);
    expect(early.events).toEqual([]);
    const resolved = stepAlerts(early.book, [], 60 * MIN);
    expect(resolved.events.map((e) => e.type)).toEqual(['resolved']);
    const cooling = stepAlerts(resolved.book, [sig(10)], 2 * 60 * MIN);
    expect(cooling.events).toEqual([]);
    const after = stepAlerts(cooling.book, [sig(10)], 8 * 60 * MIN);
    expect(after.events.map((e) => e.type)).toEqual(['opened']);
    expect(after.events[0]!.alert.id).not.toBe(a.events[0]!.alert.id);
  });
});

describe('tail probabilities', () => {
  const poissonTail = (x: number, m: number) => {
    let below = 0;
    let term = Math.exp(-m);
    for (let k = 0; k < x; k++) {
      below += term;
      term *= m / (k + 1);
    }
    return 1 - below;
  };

  test.each([
    [12, 2],
    [5, 0.5],
    [3, 4],
    [30, 10],
  ])('the Poisson tail P(X >= %i | mean %f) matches a direct sum', (x, m) => {
    expect(countUpperTail(x, m, 1)).toBeCloseTo(poissonTail(x, m), 8);
  });

  test('overdispersion makes the same count less surprising', () => {
    expect(countUpperTail(12, 2, 2)).toBeGreaterThan(countUpperTail(12, 2, 1) * 10);
  });

  test('the binomial tail of 8 of 10 at 0.2 is about 7.8e-5', () => {
    expect(binomialUpperTail(8, 10, 0.2)).toBeCloseTo(7.79264e-5, 8);
  });
});

import { ApiPartialResponseError, ApiRequestError, ApiResponseError, type TweetV2, type UserV2 } from 'twitter-api-v2';
import { describe, expect, test } from 'vitest';
import { budgetLeft, budgetMonth, nextMonthStart, parseXCursor, rollBudget } from '../../server/sources/x/x.cursor';
import { classifyXError } from '../../server/sources/x/x.errors';
import { newerId, normalizeTweet, usersById } from '../../server/sources/x/x.normalize';
import { RateGate } from '../../server/sources/x/x.rate-gate';
import { planRules, searchQueries, streamRules } from '../../server/sources/x/x.rules';

const now = new Date('2026-03-10T12:00:00Z');
const users = usersById([{ id: '7', username: 'alice', name: 'Alice', public_metrics: { followers_count: 42 } } as UserV2]);
const tweet = (over: Partial<TweetV2>): TweetV2 => ({ id: '1800000000000000123', text: 'acme', edit_history_tweet_ids: ['1800000000000000123'], author_id: '7', ...over });

describe('normalizeTweet', () => {
  test.each([
    ['an original post', {}, 'original', null, null],
    ['a retweet is a repost of the original', { referenced_tweets: [{ type: 'retweeted' as const, id: '99' }] }, 'repost', null, '99'],
    ['a quote links the quoted post', { referenced_tweets: [{ type: 'quoted' as const, id: '98' }] }, 'quote', '98', null],
    ['a reply links the post it answers', { referenced_tweets: [{ type: 'replied_to' as const, id: '97' }] }, 'reply', '97', null],
    ['a reply that quotes is a quote', { referenced_tweets: [{ type: 'replied_to' as const, id: '97' }, { type: 'quoted' as const, id: '98' }] }, 'quote', '98', null],
  ])('%s', (_name, over, kind, parent, repostOf) => {
    const p = normalizeTweet('x:a', tweet(over), users, now);
    expect([p.kind, p.parentNativeId, p.repostOfNativeId]).toEqual([kind, parent, repostOf]);
  });

  test('author, link, language, metrics and time come from the response', () => {
    const p = normalizeTweet('x:a', tweet({ lang: 'de', created_at: '2026-03-09T08:00:00.000Z', public_metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 4, impression_count: 50 } }), users, now);
    expect(p).toMatchObject({
      source: 'x:a',
      nativeId: '1800000000000000123',
      url: 'https://x.com/alice/status/1800000000000000123',
      author: { id: '7', handle: 'alice', name: 'Alice', followers: 42 },
      lang: 'de',
      createdAt: new Date('2026-03-09T08:00:00Z'),
      metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 4, impression_count: 50 },
    });
  });

  test('missing or undetermined fields fall back instead of failing', () => {
    const p = normalizeTweet('x:a', { id: '5', text: 'hi', edit_history_tweet_ids: ['5'], lang: 'und', created_at: 'garbage' }, new Map(), now);
    expect(p).toMatchObject({ url: 'https://x.com/i/status/5', author: { id: 'unknown', handle: null }, lang: null, createdAt: now, metrics: null });
  });

  test('ids compare as big integers, not as numbers or strings', () => {
    expect(newerId('1800000000000000999', '999999999999999999')).toBe('1800000000000000999');
    expect(newerId('9', '10')).toBe('10');
    expect(newerId(null, '3')).toBe('3');
  });
});

describe('queries and stream rules', () => {
  const subjects = [
    { id: 1, name: 'Acme', query: 'acme NEAR/3 late' },
    { id: 2, name: 'Broken', query: '"unbalanced' },
    { id: 3, name: 'Same', query: 'acme NEAR/3 late' },
  ];

  test('each subject compiles to X syntax; the same query serves both subjects; a bad query is reported', () => {
    const q = searchQueries(subjects);
    expect(q.queries).toEqual([{ value: 'acme late', subjectIds: [1, 3] }]);
    expect(q.errors).toHaveLength(1);
    expect(q.errors[0]!.message).toContain('Broken');
  });

  test('a query too long for search is split at its ORs, each part within 512 characters; a rule may hold 1,024', () => {
    const words = Array.from({ length: 120 }, (_, i) => `supplierword${i}`);
    const long = [{ id: 1, name: 'Many', query: words.join(' OR ') }];
    const search = searchQueries(long).queries;
    expect(search.length).toBeGreaterThan(1);
    for (const q of search) expect(q.value.length).toBeLessThanOrEqual(512);
    expect(search.flatMap((q) => q.value.split(' OR ')).sort()).toEqual([...words].sort());
    const rules = streamRules(long).queries;
    expect(rules.length).toBeLessThan(search.length);
    for (const r of rules) expect(r.value.length).toBeLessThanOrEqual(1024);
  });

  test('the rule plan adds what is missing, deletes stale Earshot rules and leaves hand-made rules alone', () => {
    const plan = planRules(
      [
        { value: 'acme', subjectIds: [1] },
        { value: 'kestrel', subjectIds: [2] },
      ],
      [
        { id: '10', value: 'acme', tag: 'earshot:1' },
        { id: '11', value: 'old', tag: 'earshot:9' },
        { id: '12', value: 'by hand' },
      ],
    );
    expect(plan).toEqual({ add: [{ value: 'kestrel', tag: 'earshot:2' }], deleteIds: ['11'], dropped: 0 });
  });

  test('no more than 1,000 rules per app, counting the hand-made ones', () => {
    const wanted = Array.from({ length: 1005 }, (_, i) => ({ value: `w${i}`, subjectIds: [i] }));
    const plan = planRules(wanted, [{ id: '1', value: 'by hand' }]);
    expect(plan.add).toHaveLength(999);
    expect(plan.dropped).toBe(6);
  });
});

describe('the cursor and the read budget', () => {
  test('the meter starts afresh in a new month and survives a malformed cursor', () => {
    const c = parseXCursor({ search: { acme: { sinceId: '5' } }, budget: { month: '2026-03', used: 40 } }, now);
    expect(budgetLeft(c, 100)).toBe(60);
    expect(budgetLeft(c, null)).toBe(Infinity);
    rollBudget(c, new Date('2026-04-01T00:00:00Z'));
    expect(c.budget).toEqual({ month: '2026-04', used: 0 });
    expect(c.search.acme!.sinceId).toBe('5');
    expect(parseXCursor({ budget: 'nonsense', search: { q: null } } as never, now)).toEqual({ search: {}, budget: { month: '2026-03', used: 0 } });
    expect(budgetMonth(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12');
    expect(nextMonthStart(new Date('2026-12-15T00:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('the rate gate', () => {
  test('remaining=0 holds the next request until the reset; a later reset wins, an earlier one does not shorten it', async () => {
    const gate = new RateGate();
    gate.observe({ limit: 450, remaining: 3, reset: now.getTime() / 1000 + 900 }, now);
    expect(gate.blockedUntil(now)).toBeNull();
    gate.observe({ limit: 450, remaining: 0, reset: now.getTime() / 1000 + 120 }, now);
    expect(gate.blockedUntil(now)).toEqual(new Date(now.getTime() + 120_000));
    gate.block(new Date(now.getTime() + 60_000), now);
    expect(gate.blockedUntil(now)).toEqual(new Date(now.getTime() + 120_000));
    let t = now.getTime();
    const slept: number[] = [];
    await gate.wait({ clock: { now: () => new Date(t), sleep: async (ms) => void (slept.push(ms), (t += ms)) }, signal: new AbortController().signal });
    expect(slept).toEqual([120_000]);
  });
});

describe('classifyXError', () => {
  const response = (code: number, data: unknown, rateLimit?: { limit: number; remaining: number; reset: number }) =>
    new ApiResponseError(`Request failed with code ${code}`, { code, data: data as never, headers: {}, rateLimit, request: {} as never, response: {} as never });

  test.each([
    ['rate limit with its reset', response(429, { title: 'Too Many Requests' }, { limit: 450, remaining: 0, reset: 1_773_144_000 }), 'rate-limit', /waiting until 2026-03-10T12:00:00/],
    ['usage cap (also a 429)', response(429, { title: 'UsageCapExceeded', detail: 'Usage cap exceeded: Monthly product cap', type: 'https://api.x.com/2/problems/usage-capped' }), 'usage-cap', /usage cap/i],
    ['refused token', response(401, { title: 'Unauthorized' }), 'auth', /bearer token/],
    ['forbidden endpoint, told by reason', response(403, { title: 'Client Forbidden', reason: 'client-not-enrolled', type: 'https://api.x.com/2/problems/client-forbidden' }), 'forbidden', /client-not-enrolled/],
    ['a second stream connection', response(429, { connection_issue: 'TooManyConnections', title: 'ConnectionException' }), 'too-many-connections', /another connection/],
    ['an HTML 503', response(503, '<html>down</html>'), 'unavailable', /HTTP 503/],
    ['a 400 with its errors', response(400, { errors: [{ message: 'max_results is not between 10 and 100' }], title: 'Invalid Request' }), 'invalid', /max_results/],
  ])('%s', (_name, error, kind, message) => {
    const f = classifyXError(error);
    expect(f.kind).toBe(kind);
    expect(f.message).toMatch(message);
  });

  test('network failures name their cause, not the opaque "Request failed."', () => {
    // As the library builds it: the cause under `error`, which its `requestError` getter does not read.
    const refused = new ApiRequestError('Request failed.', { request: {} as never, error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) } as never);
    expect(classifyXError(refused)).toMatchObject({ kind: 'network', message: expect.stringContaining('ECONNREFUSED') });
    const partial = new ApiPartialResponseError('Request failed (parse error).', { request: {} as never, response: {} as never, responseError: new Error('x'), rawContent: '{"da' });
    expect(classifyXError(partial).kind).toBe('network');
  });
});

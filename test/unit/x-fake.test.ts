/**
 * The fake X API must behave as the reference page says X does (../shared/reference/x-api-and-feeds.md),
 * as twitter-api-v2 sees it; otherwise the connector's tests prove nothing.
 */
import { ApiResponseError, ETwitterStreamEvent, type TweetV2SingleStreamResult } from 'twitter-api-v2';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeXClient, X_POST_FIELDS } from '../../server/sources/x/x.client';
import { matches, problems, startFakeXApi, type FakeXApi } from '../fakes/x-api.fake';

let fake: FakeXApi;
beforeEach(async () => {
  fake = await startFakeXApi({ heartbeatMs: 50, requireBearer: 'T' });
});
afterEach(async () => {
  await fake.close();
});
const client = (token = 'T') => makeXClient(token, fake.origin);

async function rejection(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiResponseError);
  return error as ApiResponseError;
}

describe('recent search', () => {
  test('pages newest first through next_token, with since_id and rate-limit headers', async () => {
    const posts = fake.addPosts(...Array.from({ length: 25 }, (_, i) => ({ text: `acme ${i}`, author: `u${i % 3}` })));
    const pag = await client().v2.search('acme', { ...X_POST_FIELDS, max_results: 10 });
    expect(pag.tweets.map((t) => t.id)).toEqual(posts.slice(15).reverse().map((t) => t.id));
    expect(pag.meta).toMatchObject({ result_count: 10, newest_id: posts[24]!.id, oldest_id: posts[15]!.id });
    expect(pag.includes.author(pag.tweets[0]!)?.username).toBe('u0');
    expect(pag.rateLimit).toMatchObject({ limit: 450, remaining: 449 });
    const all = [];
    for await (const t of pag) all.push(t.id);
    expect(all).toHaveLength(25);
    const since = await client().v2.search('acme', { max_results: 10, since_id: posts[21]!.id });
    expect(since.tweets.map((t) => t.id)).toEqual([posts[24]!.id, posts[23]!.id, posts[22]!.id]);
  });

  test('no match is exactly {meta:{result_count:0}}; the library sees no tweets and done', async () => {
    const raw = await fetch(`${fake.origin}/2/tweets/search/recent?query=nothing`, { headers: { authorization: 'Bearer T' } });
    expect(await raw.json()).toEqual({ meta: { result_count: 0 } });
    expect(raw.headers.get('x-rate-limit-remaining')).not.toBeNull();
    const pag = await client().v2.search('nothing');
    expect([pag.tweets, pag.done]).toEqual([[], true]);
  });

  test('max_results outside 10..100 and queries over 512 characters are refused with 400', async () => {
    expect((await rejection(client().v2.search('acme', { max_results: 9 }))).code).toBe(400);
    expect((await rejection(client().v2.search('acme', { max_results: 101 }))).code).toBe(400);
    expect((await rejection(client().v2.search('a'.repeat(513)))).code).toBe(400);
  });

  test('an empty window answers 429 with its reset until the reset, and every failure shape parses as X sends it', async () => {
    fake.setRate('search', { remaining: 0, reset: Math.floor(Date.now() / 1000) + 600 });
    const limited = await rejection(client().v2.search('acme'));
    expect([limited.code, limited.rateLimitError, limited.rateLimit?.remaining]).toEqual([429, true, 0]);
    fake.setRate('search', { remaining: 5 });
    fake.failNext('search', problems.usageCapped());
    fake.failNext('search', problems.unavailableHtml());
    const capped = await rejection(client().v2.search('acme'));
    expect((capped.data as { type?: string }).type).toMatch(/usage-capped$/);
    const html = await rejection(client().v2.search('acme'));
    expect([html.code, typeof html.data]).toEqual([503, 'string']);
    const refused = await rejection(client('wrong').v2.search('acme'));
    expect([refused.code, refused.isAuthError]).toEqual([401, true]);
  });

  test('the query evaluator understands what Earshot compiles', () => {
    const t = (text: string, lang = 'en') => ({ text, lang });
    expect(matches('"kestrel bearings" OR #kestrel', t('My Kestrel bearings failed'), { username: 'a' })).toBe(true);
    expect(matches('"kestrel bearings" OR #kestrel', t('bearings by kestrel'), { username: 'a' })).toBe(false);
    expect(matches('acme -refund', t('acme refund please'), { username: 'a' })).toBe(false);
    expect(matches('acme (late OR broken) lang:en', t('Acme parcel is LATE!'), { username: 'a' })).toBe(true);
    expect(matches('from:bob acme', t('acme'), { username: 'Bob' })).toBe(true);
    expect(matches('-(foo OR bar) acme', t('acme bar'), { username: 'a' })).toBe(false);
  });
});

describe('POST /2/tweets (replies)', () => {
  test('a reply is recorded and answered 201 with its id; duplicate text and unknown targets are refused', async () => {
    const [target] = fake.addPosts({ text: 'acme lost my parcel', author: 'dana' });
    const sent = await client().v2.reply('Sorry Dana, we are on it', target!.id);
    expect(sent.data).toMatchObject({ text: 'Sorry Dana, we are on it', edit_history_tweet_ids: [sent.data.id] });
    expect(fake.posted).toEqual([{ id: sent.data.id, text: 'Sorry Dana, we are on it', inReplyToTweetId: target!.id, auth: 'bearer', body: { text: 'Sorry Dana, we are on it', reply: { in_reply_to_tweet_id: target!.id } } }]);
    expect((await rejection(client().v2.reply('Sorry Dana, we are on it', target!.id))).code).toBe(403);
    expect((await rejection(client().v2.reply('hello', '42'))).code).toBe(400);
    fake.failNext('post', problems.rateLimited(Math.floor(Date.now() / 1000) + 60, 100));
    expect((await rejection(client().v2.reply('later', target!.id))).rateLimit).toMatchObject({ limit: 100, remaining: 0 });
    expect(fake.posted).toHaveLength(1);
  });
});

describe('the filtered stream and its rules', () => {
  test('rules are added and deleted with summaries', async () => {
    const added = await client().v2.updateStreamRules({ add: [{ value: 'acme', tag: 't' }, { value: 'x'.repeat(1025) }] });
    expect(added.meta.summary).toMatchObject({ created: 1, not_created: 1 });
    const listed = await client().v2.streamRules();
    expect(listed.data.map((r) => r.value)).toEqual(['acme']);
    const deleted = await client().v2.updateStreamRules({ delete: { ids: [listed.data[0]!.id, '404'] } });
    expect(deleted.meta.summary).toEqual({ deleted: 1, not_deleted: 1 });
    expect((await client().v2.streamRules()).meta.result_count).toBe(0);
  });

  test('409 without rules; one connection only; CRLF messages and heartbeats reach the library', async () => {
    expect((await rejection(client().v2.searchStream({ autoConnect: true }))).code).toBe(409);
    await client().v2.updateStreamRules({ add: [{ value: 'acme', tag: 'earshot:1' }] });
    const stream = await client().v2.searchStream({ ...X_POST_FIELDS, autoConnect: true });
    const got: TweetV2SingleStreamResult[] = [];
    let heartbeats = 0;
    stream.on(ETwitterStreamEvent.Data, (m: TweetV2SingleStreamResult) => got.push(m));
    stream.on(ETwitterStreamEvent.DataKeepAlive, () => heartbeats++);
    const second = await rejection(client().v2.searchStream({ autoConnect: true }));
    expect([second.code, (second.data as { connection_issue?: string }).connection_issue]).toEqual([429, 'TooManyConnections']);
    const [post] = fake.addPosts({ text: 'acme again', author: 'eve' }, { text: 'not matching', author: 'eve' });
    await new Promise((r) => setTimeout(r, 200));
    stream.close();
    expect(got.map((m) => [m.data.id, m.matching_rules[0]!.tag, m.includes?.users?.[0]?.username])).toEqual([[post!.id, 'earshot:1', 'eve']]);
    expect(heartbeats).toBeGreaterThanOrEqual(1);
  });
});

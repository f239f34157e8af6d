import { describe, expect, test } from 'vitest';
import { commitToPost, parseFrame, postUrl, quotedUri, type CommitEvent } from '../../server/sources/bluesky/jetstream-event';
import { readCursor } from '../../server/sources/bluesky/jetstream.source';

const commit = (over: Partial<CommitEvent['commit']>, did = 'did:plc:abc'): CommitEvent => ({
  did,
  time_us: 1_725_911_162_329_308,
  kind: 'commit',
  commit: { rev: '3l3qo2vutsw2b', operation: 'create', collection: 'app.bsky.feed.post', rkey: '3l3qo2vuowo2b', ...over },
});
const record = (over: Record<string, unknown> = {}) => ({ $type: 'app.bsky.feed.post', text: 'Acme again', createdAt: '2024-09-09T19:46:02.102Z', ...over });

describe('parseFrame', () => {
  test.each([
    ['not JSON', '{nope', false],
    ['an array', '[1]', false],
    ['no kind', '{"did":"x"}', false],
    ['a commit without time_us', '{"did":"did:plc:a","kind":"commit","commit":{"operation":"create","collection":"c","rkey":"r"}}', false],
    ['an unknown operation', '{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"upsert","collection":"c","rkey":"r"}}', false],
  ])('%s is malformed', (_name, frame, ok) => {
    expect(parseFrame(frame).ok).toBe(ok);
  });

  test.each([
    ['a heartbeat answer', '{"kind":"heartbeat","payload":""}'],
    ['a kind from a newer Jetstream', '{"kind":"sync","did":"did:plc:a","time_us":5}'],
  ])('%s is skipped without counting as malformed', (_name, frame) => {
    expect(parseFrame(frame)).toEqual({ ok: true, event: null });
  });

  test('identity and account events parse', () => {
    const identity = parseFrame('{"did":"did:plc:a","time_us":7,"kind":"identity","identity":{"did":"did:plc:a","handle":"a.bsky.social","seq":1,"time":"t"}}');
    expect(identity).toMatchObject({ ok: true, event: { kind: 'identity', identity: { handle: 'a.bsky.social' } } });
    const account = parseFrame('{"did":"did:plc:a","time_us":8,"kind":"account","account":{"active":false,"did":"did:plc:a","seq":2,"time":"t","status":"deleted"}}');
    expect(account).toMatchObject({ ok: true, event: { kind: 'account', account: { active: false } } });
  });
});

describe('commitToPost', () => {
  test('a create becomes a post with the AT URI as native id and the bsky.app link', () => {
    const r = commitToPost(commit({ record: record({ langs: ['pt-BR', 'en'] }) }), 'bluesky:main', 'abc.bsky.social');
    expect(r).toEqual({
      type: 'post',
      edit: false,
      post: {
        source: 'bluesky:main',
        nativeId: 'at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b',
        url: 'https://bsky.app/profile/did:plc:abc/post/3l3qo2vuowo2b',
        author: { id: 'did:plc:abc', handle: 'abc.bsky.social', name: null, followers: null },
        createdAt: new Date('2024-09-09T19:46:02.102Z'),
        text: 'Acme again',
        lang: 'pt-BR',
        kind: 'original',
        parentNativeId: null,
        repostOfNativeId: null,
        metrics: null,
      },
    });
  });

  test('an update is an edit of the same native id', () => {
    const r = commitToPost(commit({ operation: 'update', record: record() }), 's');
    expect(r).toMatchObject({ type: 'post', edit: true, post: { nativeId: 'at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b' } });
  });

  test('a delete carries only the native id', () => {
    expect(commitToPost(commit({ operation: 'delete' }), 's')).toEqual({ type: 'delete', nativeId: 'at://did:plc:abc/app.bsky.feed.post/3l3qo2vuowo2b' });
  });

  test('a reply points at its parent, a quote at the quoted post (with or without media)', () => {
    const parent = 'at://did:plc:p/app.bsky.feed.post/1';
    const reply = commitToPost(commit({ record: record({ reply: { root: { uri: 'at://did:plc:r/app.bsky.feed.post/0', cid: 'c' }, parent: { uri: parent, cid: 'c' } } }) }), 's');
    expect(reply).toMatchObject({ post: { kind: 'reply', parentNativeId: parent } });
    const quote = commitToPost(commit({ record: record({ embed: { $type: 'app.bsky.embed.recordWithMedia', record: { record: { uri: parent, cid: 'c' } }, media: {} } }) }), 's');
    expect(quote).toMatchObject({ post: { kind: 'quote', parentNativeId: parent } });
  });

  test('other collections are ignored and a bad record is invalid, not a crash', () => {
    expect(commitToPost(commit({ collection: 'app.bsky.feed.like', record: {} }), 's')).toEqual({ type: 'ignored' });
    expect(commitToPost(commit({ record: { text: 5 } }), 's').type).toBe('invalid');
  });

  test("a record's unreadable createdAt falls back to Jetstream's time", () => {
    const r = commitToPost(commit({ record: record({ createdAt: 'yesterday-ish' }) }), 's');
    expect(r.type === 'post' && r.post.createdAt.getTime()).toBe(1_725_911_162_329);
  });
});

test.each([
  [{ $type: 'app.bsky.embed.record', record: { uri: 'at://did:plc:a/app.bsky.feed.post/1' } }, 'at://did:plc:a/app.bsky.feed.post/1'],
  [{ $type: 'app.bsky.embed.record', record: { uri: 'at://did:plc:a/app.bsky.graph.list/1' } }, null],
  [{ $type: 'app.bsky.embed.images', images: [] }, null],
  ['junk', null],
])('quotedUri(%j) is %s', (embed, expected) => {
  expect(quotedUri(embed)).toBe(expected);
});

test('a hostile DID or rkey cannot break out of the link path', () => {
  expect(postUrl('did:plc:a/../x?y', 'r#1')).toBe('https://bsky.app/profile/did:plc:a%2F..%2Fx%3Fy/post/r%231');
});

test.each([
  [{ timeUs: 1_725_911_162_329_308 }, 1_725_911_162_329_308],
  [{ timeUs: '1725911162329308' }, null],
  [{ timeUs: -5 }, null],
  [null, null],
])('readCursor(%j) is %s', (cursor, expected) => {
  expect(readCursor(cursor)).toBe(expected);
});

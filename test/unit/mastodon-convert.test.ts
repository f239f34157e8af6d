import { describe, expect, test } from 'vitest';
import { htmlToText } from '../../server/sources/mastodon/html-text';
import { newerId, parseStatus, statusToPost } from '../../server/sources/mastodon/mastodon-status';
import { normalizeTags, readCursor } from '../../server/sources/mastodon/mastodon.source';
import { SseParser } from '../../server/sources/mastodon/sse';

describe('htmlToText', () => {
  test.each([
    ['paragraphs and line breaks', '<p>one<br>two</p><p>three</p>', 'one\ntwo\n\nthree'],
    ['mentions and hashtags keep their sigils', '<p><span class="h-card"><a href="https://m/@bob" class="u-url mention">@<span>bob</span></a></span> <a href="https://m/tags/acme" class="mention hashtag" rel="tag">#<span>Acme</span></a></p>', '@bob #Acme'],
    ['a shortened link comes out whole', '<a href="https://e.com/long/path"><span class="invisible">https://</span><span class="ellipsis">e.com/long</span><span class="invisible">/path</span></a>', 'https://e.com/long/path'],
    ['entities are decoded once', '<p>&lt;3 &amp;amp; caf&eacute; &#x1F600; &quot;q&quot;</p>', '<3 &amp; café 😀 "q"'],
    ['script, style and iframe content vanish', '<p>a<script>alert(1)</script>b<style>p{}</style><iframe>c</iframe>d</p>', 'abd'],
    ['an unclosed script hides the rest rather than leaking it', '<p>ok</p><script>document.cookie <p>x</p>', 'ok'],
    ['a stray closing tag does not unbalance anything', '</script><p>still here</p>', 'still here'],
    ['attributes never survive', '<img src=x onerror="alert(1)"><a href="javascript:alert(2)" onclick="y()">link</a>', 'link'],
    ['deep nesting is flattened', '<b><i><u><s><em>deep</em></s></u></i></b> text', 'deep text'],
    ['source whitespace collapses; control characters go', '<p>a \n\t  b\u0007c</p>', 'a bc'],
    ['empty content', '', ''],
  ])('%s', (_name, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

const status = (over: Record<string, unknown> = {}) => ({
  id: '113000000000000001',
  created_at: '2026-03-01T10:00:00.000Z',
  in_reply_to_id: null,
  language: 'en',
  url: 'https://m.example/@alice/113000000000000001',
  uri: 'https://m.example/users/alice/statuses/113000000000000001',
  content: '<p>Acme <b>late</b> again</p>',
  spoiler_text: '',
  reblog: null,
  account: { id: '42', username: 'alice', acct: 'alice', display_name: 'Alice', followers_count: 12 },
  replies_count: 1,
  reblogs_count: 2,
  favourites_count: 3,
  ...over,
});

describe('statusToPost', () => {
  const convert = (raw: unknown) => {
    const parsed = parseStatus(raw);
    if (!parsed.ok) throw new Error(parsed.reason);
    return statusToPost(parsed.status, 'mastodon:m');
  };

  test('a status becomes a post with its id, url, text, author and counts', () => {
    expect(convert(status())).toEqual({
      source: 'mastodon:m',
      nativeId: '113000000000000001',
      url: 'https://m.example/@alice/113000000000000001',
      author: { id: '42', handle: 'alice', name: 'Alice', followers: 12 },
      createdAt: new Date('2026-03-01T10:00:00.000Z'),
      text: 'Acme late again',
      lang: 'en',
      kind: 'original',
      parentNativeId: null,
      repostOfNativeId: null,
      metrics: { replies: 1, reposts: 2, likes: 3 },
    });
  });

  test('a reblog is a repost with the original text and id', () => {
    const post = convert(status({ id: '113000000000000009', content: '', reblog: status(), account: { id: '7', acct: 'bob@else.where' } }));
    expect(post).toMatchObject({ kind: 'repost', repostOfNativeId: '113000000000000001', text: 'Acme late again', author: { handle: 'bob@else.where' } });
  });

  test('a reply keeps its parent; a content warning leads the text', () => {
    const post = convert(status({ in_reply_to_id: '112', spoiler_text: 'supplier rant' }));
    expect(post).toMatchObject({ kind: 'reply', parentNativeId: '112', text: 'supplier rant\n\nAcme late again' });
  });

  test('a non-http url falls back to the status uri', () => {
    expect(convert(status({ url: 'javascript:alert(1)' })).url).toBe('https://m.example/users/alice/statuses/113000000000000001');
  });

  test.each([
    ['an id that is not digits', { id: 'abc' }],
    ['an unreadable created_at', { created_at: 'soon' }],
    ['content that is not a string', { content: 5 }],
    ['no account', { account: null }],
  ])('%s is refused', (_name, over) => {
    expect(parseStatus(status(over)).ok).toBe(false);
  });
});

describe('SseParser', () => {
  test('events, multi-line data, comments and every line ending, across chunk boundaries', () => {
    const p = new SseParser();
    const out = [
      ...p.push(':thump\n\nevent: update\ndata: {"a":'),
      ...p.push('1}\n\nevent: delete\r\ndata: 12\r'),
      ...p.push('\n\r\ndata: line1\ndata: line2\n\n'),
      ...p.push('event: status.update\rdata:no-space\r\r'),
      // A CR at the end of a chunk may be half a CRLF: the event completes with the next chunk.
      ...p.push(':thump\n'),
    ];
    expect(out).toEqual([
      { event: 'update', data: '{"a":1}', id: null },
      { event: 'delete', data: '12', id: null },
      { event: 'message', data: 'line1\nline2', id: null },
      { event: 'status.update', data: 'no-space', id: null },
    ]);
    expect(p.comments).toBe(2);
  });

  test('an event without data is not dispatched', () => {
    expect(new SseParser().push('event: update\n\n')).toEqual([]);
  });

  test('an endless line is refused rather than buffered without bound', () => {
    expect(() => new SseParser(1000).push('data: ' + 'x'.repeat(2000))).toThrow(/longer than 1000/);
  });
});

test.each([
  ['113000000000000002', '113000000000000001', '113000000000000002'],
  ['99', '100', '100'],
  [null, '5', '5'],
])('newerId(%s, %s) is %s', (a, b, expected) => {
  expect(newerId(a, b)).toBe(expected);
});

test('tags are compared without # and case; a cursor keeps only digit ids', () => {
  expect(normalizeTags(['#Acme', 'acme', 'Widgets'])).toEqual(['acme', 'widgets']);
  expect(readCursor({ tags: { acme: '123', bad: 'x1', worse: 5 } })).toEqual(new Map([['acme', '123']]));
  expect(readCursor(null)).toEqual(new Map());
});

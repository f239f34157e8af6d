import { describe, expect, test } from 'vitest';
import { FeedFormatError, parseFeedDocument, type FeedDocument } from '../../server/sources/rss/feed-document';
import { feedToPosts, httpUrl, languageCode, mergeSeen, SEEN_LIMIT, seenKey } from '../../server/sources/rss/feed-posts';
import { htmlToText, truncateText } from '../../server/sources/rss/html-text';
import { readCursor } from '../../server/sources/rss/rss.source';
import { atomFeed, rssFeed } from '../fakes/feed.fake';

const fetchedAt = new Date('2026-03-02T12:00:00Z');
const ctx = { sourceId: 'rss:acme', feedUrl: 'https://feeds.acme.example/news.xml', fetchedAt, seen: new Set<string>() };

describe('htmlToText', () => {
  test.each([
    ['<p>Fish &amp; chips</p><p>were <b>cold</b></p>', 'Fish & chips\nwere cold'],
    ['Late again<script>alert(document.cookie)</script>!', 'Late again!'],
    ['<img src=x onerror="alert(1)">broken <a href="javascript:alert(1)">link</a>', 'broken link'],
    ['<style>p{color:red}</style><iframe src="https://evil.example">x</iframe>ok', 'ok'],
    ['&lt;script&gt;alert(1)&lt;/script&gt; escaped twice is still dropped &#x1F600; &eacute;', 'escaped twice is still dropped 😀 é'],
    ['a&lt;b and 1 &lt; 2', 'a< b and 1 < 2'],
    ['a&nbsp;&nbsp;b\t\tc\u0000d', 'a b c d'],
    ['<ul><li>one</li><li>two</li></ul>', 'one\ntwo'],
    ['a < b and c > d', 'a < b and c > d'],
    ['<p>unclosed <b>bold <i>and italic', 'unclosed bold and italic'],
    ['', ''],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  test('what comes out holds no markup, whatever goes in', () => {
    const hostile = '<svg onload=alert(1)><script>x</script></svg><<script>script>alert(1)<</script>/script><a href="x" onclick="y">z</a><!-- <b>c</b> --><![CDATA[<i>]]>';
    expect(htmlToText(hostile)).not.toMatch(/<[a-z!/]/i);
  });

  test('long text is cut at a word boundary with an ellipsis', () => {
    expect(truncateText('supplier shipped the wrong parts again today', 20)).toBe('supplier shipped…');
    expect(truncateText('short', 20)).toBe('short');
  });
});

describe('parseFeedDocument', () => {
  test.each([
    ['RSS 2.0', rssFeed({ title: 'R', items: [{ id: '1', title: 'one' }] })],
    ['Atom', atomFeed({ title: 'A', items: [{ id: 'urn:1', title: 'one' }] })],
    [
      'RSS 1.0 (RDF)',
      '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://r.example/"><title>R</title></channel><item rdf:about="https://r.example/1"><title>one</title><link>https://r.example/1</link></item></rdf:RDF>',
    ],
  ])('reads %s', (format, xml) => {
    const doc = parseFeedDocument(xml, 'application/xml');
    expect(doc.format).toBe(format);
    expect(doc.entries.map((e) => e.title)).toEqual(['one']);
    expect(doc.malformed).toEqual([]);
  });

  test.each([
    ['an HTML page', '<!DOCTYPE html><html><body><p>hi</p></body></html>', 'text/html', /returned an HTML page/],
    ['an HTML page labelled as XML', '  <html><head></head></html>', 'application/xml', /returned an HTML page/],
    ['JSON', '{"items": []}', 'application/json', /not an RSS or Atom feed/],
    ['empty', '', 'application/rss+xml', /not an RSS or Atom feed/],
  ])('refuses %s with a FeedFormatError', (_name, body, contentType, message) => {
    expect(() => parseFeedDocument(body, contentType)).toThrow(FeedFormatError);
    expect(() => parseFeedDocument(body, contentType)).toThrow(message);
  });

  test('a feed served as text/html but starting as XML is still read (servers mislabel feeds)', () => {
    expect(parseFeedDocument(rssFeed({ title: 'R', items: [{ id: '1', title: 'one' }] }), 'text/html').entries).toHaveLength(1);
  });

  test('an entry with an unclosed tag costs only itself: the entries after it are still read', () => {
    const xml = rssFeed({ title: 'R', items: [] }).replace(
      '</channel>',
      '<item><guid>1</guid><title>first</title></item><item><title>broken <b>unclosed</title></item><item><guid>3</guid><title>third</title></item><item><guid>4</guid><title>fourth</title></item></channel>',
    );
    const doc = parseFeedDocument(xml, 'application/rss+xml');
    expect(doc.entries.map((e) => e.id)).toEqual(['1', '3', '4']);
    expect(doc.malformed).toHaveLength(1);
  });

  test('entity expansion stays bounded (a billion-laughs document is not expanded)', () => {
    const lol = '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">';
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [${lol}]><rss version="2.0"><channel><title>T</title><item><guid>1</guid><title>${'&d;'.repeat(1000)}</title></item></channel></rss>`;
    let doc: FeedDocument | null = null;
    try {
      doc = parseFeedDocument(xml, 'application/xml');
    } catch (error) {
      expect(error).toBeInstanceOf(FeedFormatError);
    }
    expect(doc?.entries[0]?.title?.length ?? 0).toBeLessThan(100_000);
  });
});

describe('feedToPosts', () => {
  const doc = (xml: string) => parseFeedDocument(xml, 'application/rss+xml');

  test('an RSS entry becomes a plain-text post with its guid, link, author, date and the feed language', () => {
    const published = new Date('2026-03-01T09:30:00Z');
    const xml = rssFeed({
      title: 'Acme <b>News</b>',
      link: 'https://news.acme.example/',
      language: 'en-US',
      items: [{ id: 'guid-1', title: 'Recall &amp; refund', description: '<p>Acme <em>recalls</em> the X1</p>', link: 'https://news.acme.example/x1', published, author: 'Jo Writer' }],
    });
    const { posts, skipped } = feedToPosts(doc(xml), ctx);
    expect(skipped).toBe(0);
    expect(posts).toEqual([
      {
        source: 'rss:acme',
        nativeId: 'guid-1',
        url: 'https://news.acme.example/x1',
        author: { id: 'news.acme.example/Jo Writer', handle: 'news.acme.example', name: 'Jo Writer', followers: null },
        createdAt: published,
        text: 'Recall & refund\n\nAcme recalls the X1',
        lang: 'en',
        kind: 'original',
        parentNativeId: null,
        repostOfNativeId: null,
        metrics: null,
      },
    ]);
  });

  test('an Atom entry uses its id, alternate link, author name and published date', () => {
    const published = new Date('2026-02-27T18:00:00Z');
    const xml = atomFeed({ title: 'Status', link: 'https://status.acme.example/', language: 'de', items: [{ id: 'tag:status,1', title: 'Störung <i>API</i>', description: 'Behoben', link: 'https://status.acme.example/i/1', published, author: 'Ops' }] });
    const [post] = feedToPosts(parseFeedDocument(xml, 'application/atom+xml'), ctx).posts;
    expect(post).toMatchObject({ nativeId: 'tag:status,1', url: 'https://status.acme.example/i/1', text: 'Störung API\n\nBehoben', lang: 'de', createdAt: published, author: { handle: 'status.acme.example', name: 'Ops' } });
  });

  test('without a guid the link is the id; without either, a hash of title and date that is stable across polls', () => {
    const xml = rssFeed({ title: 'R', items: [{ title: 'linked', link: 'https://r.example/a' }, { title: 'bare', published: new Date('2026-03-01T00:00:00Z') }] });
    const first = feedToPosts(doc(xml), ctx).posts;
    const again = feedToPosts(doc(xml), { ...ctx, fetchedAt: new Date('2026-03-05T00:00:00Z') }).posts;
    expect(first.map((p) => p.nativeId)).toEqual(['https://r.example/a', expect.stringMatching(/^sha256:[\w-]{43}$/)]);
    expect(again.map((p) => p.nativeId)).toEqual(first.map((p) => p.nativeId));
  });

  test('only http(s) links survive; relative links resolve against the site', () => {
    expect(httpUrl('javascript:alert(1)', 'https://a.example/')).toBeNull();
    expect(httpUrl('data:text/html,<script>x</script>', 'https://a.example/')).toBeNull();
    expect(httpUrl('/news/1', 'https://a.example/feed.xml')).toBe('https://a.example/news/1');
    expect(httpUrl('http://b.example/x', 'https://a.example/')).toBe('http://b.example/x');
  });

  test('a missing, unparsable or future date falls back to the fetch time', () => {
    const xml = rssFeed({ title: 'R', items: [{ id: 'a', title: 'no date' }, { id: 'b', title: 'future', published: new Date('2099-01-01T00:00:00Z') }] }).replace(
      '</channel>',
      '<item><guid>c</guid><title>junk date</title><pubDate>not a date</pubDate></item></channel>',
    );
    expect(feedToPosts(doc(xml), ctx).posts.map((p) => p.createdAt)).toEqual([fetchedAt, fetchedAt, fetchedAt]);
  });

  test.each([
    ['en-US', 'en'],
    ['fr', 'fr'],
    ['  PT_br ', 'pt'],
    ['english', null],
    [null, null],
  ])('language %j → %j', (raw, code) => {
    expect(languageCode(raw)).toBe(code);
  });

  test('entries already seen are left out; entries with nothing to read are skipped and counted once', () => {
    const xml = rssFeed({ title: 'R', items: [{ id: '1', title: 'one' }, { id: '2', title: 'two' }, { id: '3', title: '<script>only code</script>' }] }).replace('</channel>', '<item></item></channel>');
    const first = feedToPosts(doc(xml), ctx);
    expect(first.posts.map((p) => p.nativeId)).toEqual(['1', '2']);
    expect(first.skipped).toBe(2);
    expect(first.keys).toHaveLength(4);

    const second = feedToPosts(doc(xml), { ...ctx, seen: new Set(first.keys) });
    expect(second).toMatchObject({ posts: [], skipped: 0 });

    const withNew = xml.replace('</channel>', '<item><guid>5</guid><title>five</title></item></channel>');
    expect(feedToPosts(doc(withNew), { ...ctx, seen: new Set(first.keys) }).posts.map((p) => p.nativeId)).toEqual(['5']);
  });

  test('an entry repeated inside one document is one post', () => {
    const xml = rssFeed({ title: 'R', items: [{ id: '1', title: 'one' }, { id: '1', title: 'one again' }] });
    expect(feedToPosts(doc(xml), ctx).posts).toHaveLength(1);
  });
});

describe('the seen set in the cursor', () => {
  test('keeps the current keys first and is bounded', () => {
    const old = Array.from({ length: SEEN_LIMIT }, (_, i) => `old-${i}`);
    const merged = mergeSeen(['new-1', 'new-2'], old);
    expect(merged).toHaveLength(SEEN_LIMIT);
    expect(merged.slice(0, 3)).toEqual(['new-1', 'new-2', 'old-0']);
    expect(merged).not.toContain(`old-${SEEN_LIMIT - 1}`);
  });

  test('never evicts a key that is still in the feed, however long the feed', () => {
    const current = Array.from({ length: SEEN_LIMIT + 50 }, (_, i) => `k-${i}`);
    expect(mergeSeen(current, ['old'])).toEqual(current);
  });

  test('keys are short and fixed-size whatever the id', () => {
    expect(seenKey('https://example.com/' + 'x'.repeat(5000))).toMatch(/^[\w-]{16}$/);
  });

  test.each([
    [null, { etag: null, lastModified: null, seen: [], fetchedAt: null }],
    [{ etag: '"abc"', lastModified: 'Sun, 01 Mar 2026 08:00:00 GMT', seen: ['k', 3], fetchedAt: '2026-03-01T08:00:00.000Z' }, { etag: '"abc"', lastModified: 'Sun, 01 Mar 2026 08:00:00 GMT', seen: ['k'], fetchedAt: '2026-03-01T08:00:00.000Z' }],
    [{ etag: 42, seen: 'nope' }, { etag: null, lastModified: null, seen: [], fetchedAt: null }],
  ])('a saved cursor %j reads safely', (saved, expected) => {
    expect(readCursor(saved)).toEqual(expected);
  });
});

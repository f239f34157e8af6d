import { describe, expect, test } from 'vitest';
import { compileQuery, compileSubjects, matchedSpans } from '../../server/analysis/query-matcher';
import { formatQuery, parseQuery } from '../../server/analysis/query-parser';
import { toXQueries } from '../../server/analysis/query-x';
import type { QueryNode } from '../../server/analysis/query-types';

const q = (s: string): QueryNode => {
  const r = parseQuery(s);
  if (!r.ok) throw new Error(r.error.message);
  return r.query;
};
const post = (text: string, authorHandle: string | null = null, lang: string | null = 'en') => ({ text, authorHandle, lang });

describe('parseQuery', () => {
  test.each([
    ['acme', 'acme'],
    ['Acme Widgets', 'acme AND widgets'],
    ['"Kestrel Plastics" OR @kestrelplastics', '"Kestrel Plastics" OR @kestrelplastics'],
    ['kestrel AND (housing OR casing) -recall', 'kestrel AND (housing OR casing) AND NOT recall'],
    ['battery NEAR/3 swollen', 'battery NEAR/3 swollen'],
    ['#NorthwindAero from:@Support lang:EN', '#northwindaero AND from:support AND lang:en'],
    ['deliver*', 'deliver*'],
    ['e-mail', '"e mail"'],
  ])('%s parses to %s', (source, printed) => {
    expect(formatQuery(q(source))).toBe(printed);
  });

  test.each([
    ['', 'empty', 0],
    ['"unclosed phrase', 'Unclosed quote', 0],
    ['acme OR', 'after OR', 5],
    ['(acme', 'Unclosed (', 0],
    ['acme)', 'Unmatched )', 4],
    ['acme NEAR housing', 'NEAR needs a distance', 5],
    ['AND acme', 'Expected a term', 0],
    ['!!!', 'no letters', 0],
    ['()', 'Empty parentheses', 0],
  ])('"%s" is refused with a message about %s at %i', (source, message, position) => {
    const r = parseQuery(source);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain(message);
      expect(r.error.position).toBe(position);
    }
  });

  test.each([
    ['10,000 nested parentheses', '('.repeat(10_000) + 'a' + ')'.repeat(10_000)],
    ['a 20 KB query', 'acme OR '.repeat(2_500) + 'acme'],
    ['only operators', 'AND OR NOT AND OR'],
    ['a NUL byte', 'acme\u0000'],
    ['thousands of terms', Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' OR ')],
  ])('%s is refused quickly with an error, never a throw or a hang', (_what, source) => {
    const r = parseQuery(source);
    expect(r.ok).toBe(false);
  });
});

describe('matching posts', () => {
  test.each([
    ['acme', "Acme's new phone is GREAT!", true],
    ['acme', 'acmeville is a town', false],
    ['"kestrel plastics"', 'Kestrel-Plastics sent us junk', true],
    ['"kestrel plastics"', 'plastics from kestrel', false],
    ['kestrel -recall', 'kestrel issues a recall', false],
    ['kestrel NOT (recall OR lawsuit)', 'kestrel housing cracked', true],
    ['battery NEAR/2 swollen', 'the battery is badly swollen', true],
    ['battery NEAR/2 swollen', 'battery fine, but the box was very much swollen', false],
    ['#northwind', 'loving my #Northwind today', true],
    ['#northwind', 'northwind is ok', false],
    ['@northwind', 'hey @northwind where is my order', true],
    ['deliver*', 'still not delivered', true],
    ['(kestrel OR volta) housing', 'volta housing leaking', true],
  ])('%s on "%s" is %s', (query, text, expected) => {
    expect(compileQuery(q(query))(post(text))).toBe(expected);
  });

  test('from: and lang: look at the author and the language', () => {
    expect(compileQuery(q('acme from:support'))(post('acme update', '@Support'))).toBe(true);
    expect(compileQuery(q('acme from:support'))(post('acme update', 'someone'))).toBe(false);
    expect(compileQuery(q('acme lang:es'))(post('acme hola', null, 'es'))).toBe(true);
    expect(compileQuery(q('acme -lang:es'))(post('acme hola', null, 'es'))).toBe(false);
  });

  test('many subjects at once match exactly as each one alone', () => {
    const subjects = [
      { id: 1, query: q('"Kestrel Plastics" OR @kestrelplastics OR (kestrel AND (housing OR casing))') },
      { id: 2, query: q('volta OR "volta cells"') },
      { id: 3, query: q('-spam') },
      { id: 4, query: q('swifthaul NEAR/4 (late OR stuck)') },
    ];
    const match = compileSubjects(subjects);
    const texts = ['Kestrel housing cracked', 'volta and kestrel plastics', 'spam spam', 'SwiftHaul parcel stuck again', 'nothing'];
    for (const text of texts) {
      expect(match(post(text))).toEqual(subjects.filter((s) => compileQuery(s.query)(post(text))).map((s) => s.id));
    }
  });

  test('a matcher says whether some query reads the author, so copies of a text can be matched once', () => {
    expect(compileSubjects([{ id: 1, query: q('acme') }, { id: 2, query: q('"volta cells" OR #volta -@spam') }]).readsAuthor).toBe(false);
    expect(compileSubjects([{ id: 1, query: q('acme') }, { id: 2, query: q('volta NEAR/2 (cells OR -from:spam)') }]).readsAuthor).toBe(true);
    expect(compileSubjects([]).readsAuthor).toBe(false);
  });

  test('hostile post text (100 KB, control characters, RTL overrides) matches without trouble', () => {
    const text = '\u202eacme\u0000' + 'x'.repeat(100_000);
    expect(compileQuery(q('acme'))(post(text))).toBe(true);
  });
});

describe('matchedSpans', () => {
  test.each([
    ['acme', 'I like ACME and acme.', [[7, 11], [16, 20]]],
    ['"cracked housing"', 'my cracked  housing!', [[3, 19]]],
    ['#tag OR @who', 'hi @who #tag', [[3, 7], [8, 12]]],
    ['acme -bad', 'acme bad', [[0, 4]]],
  ])('%s in "%s"', (query, text, spans) => {
    expect(matchedSpans(q(query), text)).toEqual(spans);
  });
});

describe('compiling to X', () => {
  test.each([
    ['"Kestrel Plastics" OR @kestrelplastics', '"Kestrel Plastics" OR @kestrelplastics'],
    ['kestrel (housing OR casing) -recall', 'kestrel (housing OR casing) -recall'],
    ['battery NEAR/3 swollen', 'battery swollen'],
    ['acme -(spam OR ad)', 'acme -(spam OR ad)'],
  ])('%s becomes %s', (query, x) => {
    expect(toXQueries(q(query), { maxLength: 512 })).toEqual({ ok: true, queries: [x] });
  });

  test('a long OR is split into queries within the limit whose alternatives are all kept', () => {
    const names = Array.from({ length: 80 }, (_, i) => `"supplier number ${i}"`);
    const r = toXQueries(q(names.join(' OR ')), { maxLength: 512 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.queries.length).toBeGreaterThan(1);
    expect(r.queries.every((x) => x.length <= 512)).toBe(true);
    expect(r.queries.join(' OR ').split(' OR ')).toHaveLength(80);
  });

  test('a single alternative over the limit is an error, not a truncated rule', () => {
    const r = toXQueries(q(`acme ${'"a very long phrase indeed" '.repeat(40)}`), { maxLength: 512 });
    expect(r.ok).toBe(false);
  });
});

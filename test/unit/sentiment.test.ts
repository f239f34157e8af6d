import { describe, expect, test } from 'vitest';
import { detectLanguage } from '../../server/analysis/language';
import { analyze, buildCorrections } from '../../server/analysis/sentiment';
import { tokenize } from '../../server/analysis/tokenize';

describe('the rules', () => {
  test.each([
    ['negation flips', 'this is good', 'positive', 'this is not good', 'negative'],
    ['contrast weighs what follows "but"', 'great phone but the battery died', 'negative', 'battery was poor but support was excellent', 'positive'],
    ['domain terms make complaints negative', 'on hold for 2 hours', 'negative', 'parcel arrived today', 'positive'],
    ['emoji carry sentiment', 'new phone 😍', 'positive', 'new phone 😡', 'negative'],
    ['phrases beat their words', 'my order never arrived', 'negative', 'not bad at all', 'positive'],
  ])('%s', (_rule, a, labelA, b, labelB) => {
    expect(analyze(a).label).toBe(labelA);
    expect(analyze(b).label).toBe(labelB);
  });

  test.each([
    ['caps', 'this is bad', 'this is BAD'],
    ['exclamation marks', 'this is bad', 'this is bad!!!'],
    ['boosters', 'this is bad', 'this is really bad'],
    ['elongation', 'this is bad', 'this is baaaad'],
  ])('%s strengthen the same sentiment', (_what, plain, emphatic) => {
    expect(analyze(emphatic).score).toBeLessThan(analyze(plain).score);
    expect(analyze(plain).label).toBe('negative');
  });

  test.each([
    ['Flight delayed again, no update', 'complaint', ['delivery']],
    ['Where is my order #48213?', 'question', []],
    ['I am contacting my lawyer and the BBB about this', 'escalation', []],
    ['Love the new Aero X, works great', 'praise', []],
    ['charged twice on invoice INV-2026-0193', 'complaint', ['price']],
    ['battery caught fire and started to smoke', 'complaint', ['quality', 'safety']],
  ])('"%s" is a %s about %j', (text, intent, aspects) => {
    const a = analyze(text);
    expect(a.intent).toBe(intent);
    expect(a.aspects.map((x) => x.aspect).sort()).toEqual(aspects);
  });

  test('the rationale names the features that moved the score', () => {
    const a = analyze('package never arrived and support was rude');
    expect(a.rationale.map((r) => r.feature)).toEqual(expect.arrayContaining(['never arrived', 'rude']));
    expect(a.rationale.every((r) => r.weight < 0)).toBe(true);
  });
});

describe('languages and bad input', () => {
  test.each([
    ['¿Dónde está mi pedido? Todavía no llega', 'es'],
    ['Meine Bestellung ist immer noch nicht da', 'de'],
    ['Ma commande est toujours pas arrivée', 'fr'],
    ['注文がまだ届きません', 'ja'],
    ['طلبي لم يصل بعد', 'ar'],
    ['Мой заказ не пришел', 'ru'],
    ['my order from Nordstrom still not here', 'en'],
  ])('%s is %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
    expect(analyze(text).label).toBe(lang === 'en' ? 'negative' : 'unscored');
  });

  test.each([
    ['empty', ''],
    ['100 KB', 'late '.repeat(20_000)],
    ['lone surrogates', 'bad \ud800 service \udfff'],
    ['only emoji', '😡🤬👎'],
    ['only URLs', 'https://a.example/x https://b.example/y'],
    ['RTL override', '\u202egood\u202c'],
    ['HTML entities', '&lt;script&gt;alert(1)&lt;/script&gt; &amp; terrible'],
  ])('%s gets a defined result', (_what, text) => {
    const a = analyze(text);
    expect(a.score).toBeGreaterThanOrEqual(-1);
    expect(a.score).toBeLessThanOrEqual(1);
    expect(['positive', 'neutral', 'negative', 'unscored']).toContain(a.label);
  });

  test('an analyst correction overrides the engine for that text and its copies', () => {
    const overrides = buildCorrections([{ text: 'This phone is SICK', label: 'positive' }]);
    expect(analyze('this phone is sick!!').label).toBe('negative');
    expect(analyze('this phone is sick!!', { overrides }).label).toBe('positive');
  });
});

test('the tokenizer keeps references, handles, tags and emoji apart', () => {
  expect(tokenize('SOOO late!! @acme #NeverAgain order #48213 INV-2026-0193 😡 :(').map((t) => `${t.kind}:${t.norm}`)).toEqual([
    'word:soo',
    'word:late',
    'punct:!!',
    'mention:@acme',
    'hashtag:never',
    'hashtag:again',
    'word:order',
    'ref:#48213',
    'ref:INV-2026-0193',
    'emoji:😡',
    'emoticon::(',
  ]);
});

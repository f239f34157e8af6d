import { describe, expect, test } from 'vitest';
import { isNegator, tokenize } from '../../server/analysis/tokenize';

const show = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.norm}`);

describe('the tokenizer', () => {
  test('keeps references, handles, tags and emoji apart', () => {
    expect(show('SOOO late!! @acme #NeverAgain order #48213 INV-2026-0193 😡 :(')).toEqual([
      'word:soo', 'word:late', 'punct:!!', 'mention:@acme', 'hashtag:never', 'hashtag:again', 'word:order', 'ref:#48213', 'ref:INV-2026-0193', 'emoji:😡', 'emoticon::(',
    ]);
  });

  test.each([
    ['order #12345 is late', 'ref:#12345'],
    ['invoice INV-2024-0042 unpaid', 'ref:INV-2024-0042'],
    ['wrong part PN 88-1234 again', 'ref:PN 88-1234'],
    ['po-4471 still open', 'ref:PO-4471'],
    ['shipment 2024/118 stuck', 'ref:2024/118'],
  ])('"%s" keeps its reference as one token (%s)', (text, expected) => {
    expect(show(text)).toContain(expected);
  });

  test.each([
    ['https://t.co/abc?x=1 wow', ['url:URL', 'word:wow']],
    ['www.example.com/page ok', ['url:URL', 'word:ok']],
    ['$AAPL up', ['cashtag:$aapl', 'word:up']],
    ['#SupplyChainFail', ['hashtag:supply', 'hashtag:chain', 'hashtag:fail']],
    ['#1 fan', ['number:1', 'word:fan']],
    ['I <3 it ;-)', ['word:i', 'emoticon:<3', 'word:it', 'emoticon:;-)']],
    ['👍🏽👍', ['emoji:👍', 'emoji:👍']],
    ['🇺🇸 flag', ['emoji:🇺🇸', 'word:flag']],
    ['don’t', ["word:don't"]],
    ['3.5% off', ['number:3.5%', 'word:off']],
  ])('%s', (text, expected) => {
    expect(show(text)).toEqual(expected);
  });

  test('flags elongation and capitals without losing the word', () => {
    const [a, b, c] = tokenize('sooooo GOOD i');
    expect(a).toMatchObject({ norm: 'soo', elongated: true, caps: false });
    expect(b).toMatchObject({ norm: 'good', caps: true, elongated: false });
    expect(c).toMatchObject({ norm: 'i', caps: false });
  });

  test.each([["don't", true], ['cant', true], ['never', true], ["isn't", true], ['nothing', true], ['note', false], ['can', false], ['want', false]])(
    '"%s" is a negator: %s',
    (word, expected) => {
      expect(isNegator(word)).toBe(expected);
      expect(tokenize(word)[0]?.negation).toBe(expected);
    },
  );

  test('a smiley inside text is not an emoticon', () => {
    expect(show('(see item 8)')).not.toContain('emoticon:8)');
  });

  test.each([
    ['empty', ''],
    ['only spaces', '   \n\t '],
    ['lone surrogates', 'bad \ud800 x \udfff'],
    ['control characters', '\u0000\u0007\u202e'],
  ])('%s gives a list, never a throw', (_what, text) => {
    expect(Array.isArray(tokenize(text))).toBe(true);
  });

  test('offsets point into the text', () => {
    const text = 'hey @acme, order #48213';
    for (const t of tokenize(text)) expect(text.slice(t.start).toLowerCase().startsWith(t.norm.toLowerCase().replace('url', ''))).toBe(true);
  });
});

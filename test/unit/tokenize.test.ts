import { describe, expect, test } from 'vitest';
import { isNegator, tokenize, tokenizeByPattern } from '../../server/analysis/tokenize';

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

  test('the hand-written scan gives exactly the tokens of the regular expression, on 30,000 strings made of what the pattern cares about', () => {
    // Characters and pieces each alternative turns on: look-arounds for letters and numbers in and
    // out of ASCII, references, emoticons, URLs, apostrophes, surrogates, marks, spaces of every kind.
    const pieces = [
      ...'abDPpOoxXTsS3htw09 :;=>-\'^o()[]\\/|*@<_#$!?.,…%&"’\n\t',
      'é', 'É', 'ñ', 'İ', '😡', '👍🏽', '\ufe0f', '\u200d', '\u20e3', '🇬🇧', '©', '\ud800', '\udc00', '𝐛', '٣', '²', '\u0301', '\u00a0', '\u3000', '\u2028', '\u180e', '\ufeff', 'З', 'ア',
      'http://', 'https://', 'www.', 'www.a.', 'INV-', 'PN', 'P/N', 'SKU', 'SO', 'ORD', 'ABCDE-', 'ab-', '#12', '#123', '#1234', "n't", 'T_T', ';_;', '-_-', '^_^', '</3', '<3', 'xD', 'D:', ':-)', '>:(', 'sooo', 'HELLO',
    ];
    let seed = 20260101;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const differ: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      let text = '';
      for (let k = 1 + Math.floor(next() * 12); k > 0; k--) text += pieces[Math.floor(next() * pieces.length)];
      if (JSON.stringify(tokenize(text)) !== JSON.stringify(tokenizeByPattern(text))) differ.push(text);
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });
});

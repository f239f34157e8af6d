import { describe, expect, test } from 'vitest';
import { analyze, buildCorrections, languageOf } from '../../server/analysis/sentiment';
import { decide, isSilent, type Decision } from '../../server/analysis/sentiment/decision';
import { prepare } from '../../server/analysis/sentiment/prepare';

const label = (text: string) => analyze(text).label;
const rulesScore = (text: string) => analyze(text, { layers: 'rules' }).score;

describe('the rules', () => {
  test.each([
    ['this is good', 'positive', 'this is not good', 'negative'],
    ['the support was helpful', 'positive', "the support wasn't helpful", 'negative'],
    ['I am happy with this service', 'positive', 'never happy with this service', 'negative'],
    ['satisfied with the repair', 'positive', 'not satisfied with the repair', 'negative'],
    ['it works', 'neutral', 'it never works', 'negative'],
  ])('negation: "%s" is %s, "%s" is %s', (a, la, b, lb) => {
    expect(label(a)).toBe(la === 'neutral' ? label(a) : la);
    expect(label(b)).toBe(lb);
    expect(rulesScore(b)).toBeLessThan(rulesScore(a));
  });

  test.each([
    ['great phone but the battery died', 'negative'],
    ['battery was poor but support was excellent', 'positive'],
    ['the price is nice but shipping took three weeks and it arrived broken', 'negative'],
  ])('contrast: what follows "but" weighs more in "%s" (%s)', (text, expected) => {
    expect(analyze(text, { layers: 'rules' }).label).toBe(expected);
    const [before, after] = text.split(' but ') as [string, string];
    // The same words without the contrast lean the other way or less.
    const flat = rulesScore(`${after} and ${before}`);
    expect(expected === 'negative' ? rulesScore(text) < flat : rulesScore(text) > flat).toBe(true);
  });

  test.each([
    ['the price is nice but shipping took three weeks and it arrived broken', 'negative'],
    ['battery was poor but support was excellent', 'positive'],
  ])('contrast: the engine reads "%s" as %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  test('a post with little evidence either way is neutral, not labelled by the class offsets', () => {
    for (const text of ['ok', 'hello', 'the package arrived']) expect(label(text)).toBe('neutral');
  });

  test.each([
    ['caps', 'this is bad', 'this is BAD'],
    ['exclamation marks', 'this is bad', 'this is bad!!!'],
    ['boosters', 'this is bad', 'this is really bad'],
    ['elongation', 'this is bad', 'this is baaaad'],
  ])('emphasis: %s strengthen the same sentiment in the rules', (_what, plain, emphatic) => {
    expect(rulesScore(emphatic)).toBeLessThan(rulesScore(plain));
    expect(label(plain)).toBe('negative');
    expect(label(emphatic)).toBe('negative');
  });

  test('dampeners weaken it', () => {
    expect(rulesScore('this is slightly bad')).toBeGreaterThan(rulesScore('this is bad'));
  });

  test.each([
    ['new phone 😍', 'positive'],
    ['new phone 😡', 'negative'],
    ['delivery today 👍', 'positive'],
    ['delivery today 👎', 'negative'],
    ['finally here :)', 'positive'],
    ['still not here :(', 'negative'],
  ])('emoji and emoticons: "%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  test.each([
    ['on hold for 2 hours'],
    ['flight delayed again, no update'],
    ['my order never arrived'],
    ['received the wrong part for the second time'],
    ['double charged on my last invoice'],
    ['the housing is cracked and leaking'],
    ['shipment stuck in customs for a week'],
    ['they cancelled my order without telling me'],
    ['still waiting for my refund'],
    ['3 emails and no response from support'],
    ['item arrived defective'],
    ['part missing from the kit'],
    ['overcharged again'],
    ['product recall notice for my heater'],
  ])('domain: "%s" is negative', (text) => {
    expect(label(text)).toBe('negative');
  });

  test.each([['parcel arrived today, thanks!'], ['refund came through quickly, thank you'], ['not bad at all']])('domain: "%s" is positive', (text) => {
    expect(label(text)).toBe('positive');
  });

  test('the rationale names the features that moved the score', () => {
    const a = analyze('package never arrived and support was rude');
    expect(a.rationale.map((r) => r.feature)).toEqual(expect.arrayContaining(['never arrived', 'rude']));
    expect(a.rationale.find((r) => r.feature === 'rude')!.weight).toBeLessThan(0);
    expect(a.rationale.length).toBeLessThanOrEqual(6);
  });
});

describe('complaint-domain talk that is not a complaint', () => {
  test.each([
    ['where is my order #41234 @northwind?'],
    ['where is my order #48213?'],
    ['when will my delivery arrive?'],
    ['any update on order 12345?'],
    ['does SwiftHaul ship to Canada?'],
    ['anyone else using Aero X? thinking about it'],
  ])('a question with no complaint word is an inquiry: "%s" is neutral', (text) => {
    expect(label(text)).toBe('neutral');
  });

  test.each([
    ['invoice INV-2026-0331 is attached'],
    ['reading about #AeroX on the news today'],
    ['batch 42 shipped today'],
    ['the delivery is booked for monday'],
    ['got the invoice from Ledgerly'],
  ])('a statement naming only domain nouns (invoice, batch, delivery) is neutral: "%s"', (text) => {
    expect(label(text)).toBe('neutral');
  });

  test.each([
    ['where is my package?? no update for days'],
    ['any update on my order? still waiting after 3 weeks'],
    ['why is my order late?'],
    ['where is my refund??'],
  ])('a question that says what went wrong is still a complaint: "%s" is negative', (text) => {
    expect(label(text)).toBe('negative');
  });
});

describe('resolutions and speed', () => {
  test.each([
    ['sorted my problem', 'my problem'],
    ['they fixed the issue', 'they have the issue'],
    ['issue resolved', 'issue'],
    ['support sorted out all the problems', 'support has all the problems'],
  ])('a resolved problem is not a complaint: "%s" reads above "%s" in the rules, and above zero', (resolved, open) => {
    expect(rulesScore(resolved)).toBeGreaterThan(0);
    expect(rulesScore(resolved)).toBeGreaterThan(rulesScore(open));
  });

  test.each([
    ['Northwind support sorted my problem in 10 minutes, impressed', 'positive'],
    ['the agent resolved my issue in one call, great', 'positive'],
    ['still have the same problem', 'negative'],
    ['the problem was never fixed', 'negative'],
  ])('"%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  test('the rationale of a resolution does not list its problem as a complaint', () => {
    const features = analyze('support sorted my problem in 10 minutes, impressed').rationale.map((r) => r.feature);
    expect(features).toContain('sorted');
    expect(features).not.toContain('problem');
  });

  test.each([
    ['the battery drains fast', 'the battery drains'],
    ['it broke so quickly', 'it broke'],
    ['the screen cracked quickly', 'the screen cracked'],
  ])('speed right after a fault worsens it: "%s" reads below "%s" in the rules', (fast, plain) => {
    expect(rulesScore(fast)).toBeLessThan(rulesScore(plain));
    expect(rulesScore(fast)).toBeLessThan(0);
  });

  test('speed after a contrast is praise again: "arrived late but fast refund"', () => {
    const fast = analyze('arrived late but fast refund', { layers: 'rules' }).rationale.find((r) => r.feature === 'fast');
    expect(fast?.weight).toBeGreaterThan(0);
  });

  test.each([
    ['the Volta battery drains fast when it is cold', 'negative'],
    ['it broke so quickly', 'negative'],
    ['fast delivery, thanks', 'positive'],
    ['refund came through quickly, thank you', 'positive'],
  ])('speed praises a service and worsens a fault: "%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  test.each([
    ['my Aero X keeps freezing after the update', 'negative'],
    ['app freezes every time I open it', 'negative'],
    ['my invoice was paid twice through Ledgerly', 'negative'],
    ['double billed again', 'negative'],
    ['the screen is gorgeous', 'positive'],
    ['setup was painless, love it', 'positive'],
    ['the sole came off after a month', 'negative'],
    ['the handle fell off', 'negative'],
    ['the verification code never arrives', 'negative'],
    ['the courier never responds', 'negative'],
    ["fridge isn't cooling, food went off in two days", 'negative'],
  ])('domain lexicon: "%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe('the decision', () => {
  const d: Decision = { offsets: [0.4, 0, 0.1], gamma: 0.5, lean: 0.15, silentLean: 0.25 };

  test.each([
    // p-, p0, p+, rules compound, rules silent, a question, expected class, why
    [0.36, 0.44, 0.2, 0, false, false, 0, 'the offsets lift a negative lean of 0.16 where the rules saw words that cancel'],
    [0.36, 0.44, 0.2, 0, true, false, 1, 'the same lean is not enough where the rules found nothing'],
    [0.7, 0.2, 0.1, 0, true, false, 0, 'a strong lean still labels a post the rules found nothing in'],
    [0.4, 0.48, 0.12, 0, true, false, 0, 'a statement the rules found nothing in, past the silent lean, takes the offsets'],
    [0.4, 0.48, 0.12, 0, true, true, 1, 'such a question gets no offsets: the model finds neutral likelier'],
    [0.4, 0.48, 0.12, -0.3, false, true, 0, 'a question with a complaint word keeps the offsets and the pull'],
    [0.55, 0.3, 0.15, 0, true, true, 0, 'a question the model itself finds negative is negative'],
    [0.25, 0.33, 0.42, 0, false, false, 2, 'a positive lean of 0.17 labels a post with sentiment words'],
    [0.25, 0.33, 0.42, 0, true, false, 1, 'positive needs the silent lean too'],
  ] as Array<[number, number, number, number, boolean, boolean, 0 | 1 | 2, string]>)('p = (%s, %s, %s), compound %s, silent %s, question %s -> class %s: %s', (p0, p1, p2, compound, silent, question, expected) => {
    expect(decide(p0, p1, p2, { compound, silent, question }, d)).toBe(expected);
  });

  test.each([
    ['the fridge is cooling', true],
    ["the fridge isn't cooling", false],
    ['great fridge', false],
    ['invoice INV-2026-0331 is attached', true],
  ])('the rules are silent on "%s": %s (a negator counts as evidence)', (text, silent) => {
    expect(isSilent(prepare(text).rules)).toBe(silent);
  });
});

describe('aspects and intent', () => {
  test.each([
    ['Flight delayed again, no update', 'complaint', ['delivery']],
    ['Where is my order #48213?', 'question', []],
    ['I am contacting my lawyer and the BBB about this', 'escalation', []],
    ['if this is not fixed by friday we are going to the press', 'escalation', []],
    ['time to boycott this company', 'escalation', []],
    ['Love the new Aero X, works great', 'praise', []],
    ['charged twice on invoice INV-2026-0193', 'complaint', ['price']],
    ['battery caught fire and started to smoke', 'complaint', ['quality', 'safety']],
    ['the agent hung up on me after 40 minutes on hold', 'complaint', ['support']],
  ])('"%s" is a %s about %j', (text, intent, aspects) => {
    const a = analyze(text);
    expect(a.intent).toBe(intent);
    expect(a.aspects.map((x) => x.aspect).sort()).toEqual(aspects);
  });

  test('each aspect has its own polarity', () => {
    const a = analyze('delivery was fast and great, but the quality is terrible and it broke');
    const polarity = Object.fromEntries(a.aspects.map((x) => [x.aspect, x.polarity]));
    expect(polarity.delivery).toBeGreaterThan(0);
    expect(polarity.quality).toBeLessThan(0);
  });
});

describe('languages', () => {
  test.each([
    ['¿Dónde está mi pedido? Todavía no llega', 'es'],
    ['Meine Bestellung ist immer noch nicht da', 'de'],
    ['注文がまだ届きません', 'ja'],
    ['طلبي لم يصل بعد', 'ar'],
    ['ההזמנה שלי עדיין לא הגיעה', 'he'],
  ])('"%s" is unscored as %s, never read as English', (text, lang) => {
    expect(analyze(text)).toMatchObject({ label: 'unscored', lang, score: 0, rationale: [], aspects: [] });
  });

  test.each([
    ['en-GB', 'this is awful', 'en', 'negative'],
    ['es', 'this is awful', 'es', 'unscored'],
    ['und', 'this is awful', 'en', 'negative'],
    [null, 'this is awful', 'en', 'negative'],
  ])('the language the network gives (%s) decides', (given, text, lang, expected) => {
    expect(languageOf(text, given)).toBe(lang);
    expect(analyze(text, { lang: given }).label).toBe(expected);
  });
});

describe('bad input gets a defined result, never a throw', () => {
  test.each([
    ['empty', ''],
    ['100 KB', 'late '.repeat(20_000)],
    ['lone surrogates', 'bad \ud800 service \udfff'],
    ['only emoji', '😡🤬👎'],
    ['only URLs', 'https://a.example/x https://b.example/y'],
    ['RTL override', '\u202egood\u202c'],
    ['mixed RTL', 'great service שלום مرحبا'],
    ['CJK', '注文'],
    ['HTML entities', '&lt;script&gt;alert(1)&lt;/script&gt; &amp; terrible &#128545; &#xD800;'],
    ['control characters', '\u0000\u0001 bad'],
    ['not a string', null as unknown as string],
    // Words that name properties of every object: no lexicon may read them as its own entries.
    ['a negated "constructor"', 'not constructor'],
    ['"constructor" before a sentiment word', 'constructor bad'],
    ['template injection', '{{constructor.constructor("alert(1)")()}} ${7*7}'],
    ['"toString", "valueOf" and "__proto__" around sentiment', 'never toString good, so valueOf bad __proto__ terrible'],
  ])('%s', (_what, text) => {
    const a = analyze(text);
    for (const r of a.rationale) expect(Number.isFinite(r.weight)).toBe(true);
    expect(a.score).toBeGreaterThanOrEqual(-1);
    expect(a.score).toBeLessThanOrEqual(1);
    expect(a.confidence).toBeGreaterThanOrEqual(0);
    expect(a.confidence).toBeLessThanOrEqual(1);
    expect(['positive', 'neutral', 'negative', 'unscored']).toContain(a.label);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  test('a stream of more distinct words than the word caches hold (they start over) changes no result', () => {
    const posts = ['Flight delayed AGAIN, no update from @acme 😡', 'the #NeverAgain housing cracked, PN 88-1234', 'not bad at all, sooo fast!!', 'where is my order #48213?'];
    const before = posts.map((t) => JSON.stringify(analyze(t)));
    let seed = 7;
    const word = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return `w${seed.toString(36)}`;
    };
    for (let i = 0; i < 7000; i++) analyze(`${word()} ${word()} #${word()} @${word()} ${word()} ${word()} ${word()} ${word()} ${word()} bad`);
    expect(posts.map((t) => JSON.stringify(analyze(t)))).toEqual(before);
  });

  test('only emoji still carry their sentiment', () => {
    expect(analyze('😡🤬👎').label).toBe('negative');
  });
});

describe('analyst corrections', () => {
  test('override the engine for the corrected text and its copies', () => {
    const overrides = buildCorrections([{ text: 'This phone is SICK', label: 'positive' }]);
    expect(analyze('this phone is sick!!').label).toBe('negative');
    expect(analyze('this phone is sick!!', { overrides })).toMatchObject({ label: 'positive', confidence: 1 });
    expect(analyze('this phone is sick!!', { overrides }).rationale[0]?.feature).toBe('analyst correction');
  });

  test('move similar posts the analysts did not correct', () => {
    const overrides = buildCorrections([
      { text: 'the new grinder is sick', label: 'positive' },
      { text: 'sick build quality on this one', label: 'positive' },
      { text: 'that paint job is sick', label: 'positive' },
    ]);
    const before = analyze('this bike is sick').score;
    expect(analyze('this bike is sick', { overrides }).score).toBeGreaterThan(before);
  });

  test('no corrections change nothing', () => {
    const text = 'delivery was late again';
    expect(analyze(text, { overrides: buildCorrections([]) })).toEqual(analyze(text));
  });

  test('unreadable corrections are ignored', () => {
    const overrides = buildCorrections([{ text: 'x', label: 'angry' }, { text: null as unknown as string, label: 'positive' }]);
    expect(overrides.size).toBe(0);
  });
});

import { expect, test } from 'vitest';
import { CueSet, tokens } from '../../server/analysis/issues/cues';
import { normalizeText } from '../../server/analysis/issues/text';
import { conceptsIn } from '../../server/analysis/issues/vocabulary';

const score = (families: Record<string, Array<[number, string]>>, text: string) => Object.fromEntries(new CueSet(families).score(tokens(normalizeText(text))));

test.each([
  ['a plain word matches its other inflections', 'arrive', 'it never arrived', 2],
  ['word* matches words that start with it', 'reimburs*', 'waiting on reimbursement', 2],
  ['=word matches that word only', '=billed', 'the billing page', 0],
  ['! matches a negation, contractions expanded', '! arriv*', "hasn't arrived", 2],
  ['one word may come between neighbours', 'charged twice', 'they charged me twice', 2],
  ['two words may not', 'charged twice', 'charged my old card twice', 0],
  ['... lets up to five words come between', 'ordered ... got', 'ordered a blue hoodie, got a pink one', 2],
  ['the order of the words matters', 'charged twice', 'twice I was charged', 0],
])('%s', (_name, cue, text, expected) => {
  expect(score({ p: [[2, cue]] }, text).p ?? 0).toBe(expected);
});

test('one word matched by several cues of a family counts once, at the largest weight', () => {
  expect(score({ p: [[2, 'bill|billing*'], [3, 'bill']] }, 'the bill')).toEqual({ p: 3 });
});

test('words that only lean towards a problem add to other evidence but never name it alone', () => {
  const families: Record<string, Array<[number, string]>> = { late: [[2, 'delayed'], [1, 'parcel|courier']] };
  expect(score(families, 'the parcel and the courier')).toEqual({});
  expect(score(families, 'the parcel is delayed, courier says')).toEqual({ late: 4 });
});

test.each([
  ['box showed up in pieces', 'damaged'],
  ['still waiting on that desk i ordered', 'late'],
  ['they charged me twice', 'overcharged'],
  ['the airline lost my suitcase on the way to Oslo', 'baggage'],
  ['our flight was delayed 4 hours at the gate', 'flight'],
  ['the cashier was rude and rolled her eyes', 'rude_staff'],
  ['prices went up again this month', 'price_rise'],
  ['the return label will not scan', 'returns'],
  ['app crashes every time I open it', 'outage'],
  ['returned it a month ago, no refund yet', 'refund'],
  ['how do I return a jacket that is too small', 'returns'],
])('the lexicon names the problem of "%s": %s', (text, problem) => {
  expect(conceptsIn(normalizeText(text))[0]).toBe(problem);
});

test.each([['paid my invoice through the portal, painless'], ['anyone else using the billing app?'], ['the screen is gorgeous']])(
  'topic words alone name no problem: "%s"',
  (text) => {
    expect(conceptsIn(normalizeText(text)).filter((c) => !['invoice', 'charge', 'service', 'part', 'account', 'item', 'support'].includes(c))).toEqual([]);
  },
);

test.each([
  ['a letter swapped', 'my parcel was never recieved', 'late'],
  ['a letter missing', 'forgot my pasword again', 'login'],
  ['a letter doubled', 'the app keeps crashhing on start', 'outage'],
])('a long word one typo away from a cue word reads as it (%s)', (_name, text, problem) => {
  expect(conceptsIn(normalizeText(text))[0]).toBe(problem);
});

test('short words and words the cues know are not read as typos', () => {
  // "plate" is one letter from "plane", but five letters is too short to guess.
  expect(score({ flight: [[3, 'plane']] }, 'the plate arrived')).toEqual({});
  // "crashed" is known as itself (a stem of `crash`), not bent into some other cue word.
  expect(score({ outage: [[3, 'crash']], other: [[3, 'crushed']] }, 'it crashed')).toEqual({ outage: 3 });
});

test('a typo close to two cue words is left alone', () => {
  expect(score({ a: [[3, 'charger']], b: [[3, 'charter']] }, 'the chargter broke')).toEqual({});
});

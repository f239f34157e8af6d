import { describe, expect, test } from 'vitest';
import { approvalNeeded, DEFAULT_APPROVAL_RULES } from '../../server/analysis/replies/approval';
import { candidateDrafts } from '../../server/analysis/replies/candidates';
import { countFor, graphemes, mastodonLength, xLength } from '../../server/analysis/replies/count';
import { DEFAULT_TEMPLATES, renderTemplate, TemplateError, templateVariables } from '../../server/analysis/replies/templates';
import { toneCheck } from '../../server/analysis/replies/tone';

describe('counting as each network counts', () => {
  test.each([
    { text: 'hello', x: 5 },
    { text: 'héllo', x: 5 },
    // NFC: e + combining acute is one code point after normalisation.
    { text: 'he\u0301llo', x: 5 },
    { text: '日本語', x: 6 },
    { text: '한국어 ok', x: 9 },
    { text: '👋', x: 2 },
    { text: '👩‍👩‍👧', x: 2 },
    { text: '🇫🇷🇩🇪', x: 4 },
    { text: '👍🏽', x: 2 },
    { text: 'https://example.com/a/very/long/path/that/goes/on/and/on?with=query', x: 23 },
    { text: 'see https://t.co/x.', x: 4 + 23 + 1 },
    { text: 'visit acme.com/help now', x: 6 + 23 + 4 },
    { text: 'mail a@b.com', x: 12 },
    { text: 'two http://a.io http://b.io', x: 4 + 23 + 1 + 23 },
    // Curly quotes are in a weight-1 range; the ellipsis (U+2026) is not.
    { text: '\u2018quoted\u2019 \u2026', x: 11 },
    { text: '\u2605', x: 2 },
  ])('X weighs "$text" as $x', ({ text, x }) => {
    expect(xLength(text)).toBe(x);
  });

  test.each([
    { text: 'a'.repeat(280), fits: true },
    { text: 'a'.repeat(281), fits: false },
    { text: '日'.repeat(140), fits: true },
    { text: '日'.repeat(141), fits: false },
    { text: `${'a'.repeat(256)} https://example.com/${'x'.repeat(300)}`, fits: true },
    { text: `${'a'.repeat(257)} https://example.com/${'x'.repeat(300)}`, fits: false },
  ])('X takes $text.length characters of this kind: $fits', ({ text, fits }) => {
    expect(countFor('x', text).fits).toBe(fits);
  });

  test.each([
    { text: 'hello', n: 5 },
    { text: '👩‍👩‍👧 é', n: 3 },
    { text: 'e\u0301', n: 1 },
    { text: '日本語', n: 3 },
    { text: 'https://example.com/long/path', n: 29 },
  ])('Bluesky counts $n graphemes in "$text"', ({ text, n }) => {
    expect(graphemes(text)).toBe(n);
    expect(countFor('bluesky', text).length).toBe(n);
  });

  test('Bluesky: 300 graphemes fit, 301 do not, and 3000 bytes is a limit of its own', () => {
    expect(countFor('bluesky', '👩‍👩‍👧'.repeat(300))).toMatchObject({ length: 300, fits: false });
    expect(countFor('bluesky', '👩‍👩‍👧'.repeat(300)).problem).toMatch(/3000 bytes/);
    expect(countFor('bluesky', 'a'.repeat(300)).fits).toBe(true);
    expect(countFor('bluesky', 'a'.repeat(301))).toMatchObject({ fits: false, remaining: -1 });
  });

  test.each([
    { text: 'hello', n: 5 },
    { text: '@ann@social.example hi', n: 7 },
    { text: '@ann hi', n: 7 },
    { text: 'see https://example.com/a/very/long/path/indeed', n: 4 + 23 },
    { text: 'bare example.com stays as written', n: 33 },
    { text: '👩‍👩‍👧', n: 1 },
  ])('Mastodon counts "$text" as $n', ({ text, n }) => {
    expect(mastodonLength(text)).toBe(n);
  });

  test('Mastodon: 500 by default, an instance limit when given', () => {
    expect(countFor('mastodon', 'a'.repeat(500)).fits).toBe(true);
    expect(countFor('mastodon', 'a'.repeat(501)).fits).toBe(false);
    expect(countFor('mastodon', 'a'.repeat(501), 1000).fits).toBe(true);
  });

  test('an empty reply fits nowhere', () => {
    expect(countFor('x', '   ')).toMatchObject({ fits: false, problem: 'The reply is empty.' });
  });
});

describe('templates', () => {
  test.each([
    { template: 'Hi @{author}, about order {order}.', want: 'Hi @ann, about order 48213.' },
    { template: 'Hi @{ author }!', want: 'Hi @ann!' },
    { template: 'Case {case} on {subject}: {issue}', want: 'Case #7 on Acme: late deliveries' },
    { template: 'Literal {{braces}} stay', want: 'Literal {braces} stay' },
    { template: 'No variables at all', want: 'No variables at all' },
  ])('"$template" renders as "$want"', ({ template, want }) => {
    expect(renderTemplate(template, { author: 'ann', order: '48213', case: '#7', subject: 'Acme', issue: 'late deliveries' })).toBe(want);
  });

  test.each([
    { template: 'Hi {name}', code: 'unknown_variable', message: /Unknown variable \{name\}.*\{author\}/ },
    { template: 'Hi {author', code: 'unbalanced_brace', message: /lone "\{"/ },
    { template: 'About {order}', code: 'missing_value', message: /needs \{order\}/ },
  ])('"$template" fails with $code', ({ template, code, message }) => {
    const run = () => renderTemplate(template, { author: 'ann' });
    expect(run).toThrow(TemplateError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as TemplateError).code).toBe(code);
    }
  });

  test('values are plain text: a value that looks like a template is not expanded, and newlines flatten', () => {
    expect(renderTemplate('Hi @{author}, order {order}', { author: '@{order}', order: '1\n2' })).toBe('Hi @{order}, order 1 2');
  });

  test('templateVariables lists each variable once, in order', () => {
    expect(templateVariables('{order} {author} {order}')).toEqual(['order', 'author']);
  });

  test('the built-in templates use only known variables', () => {
    for (const t of DEFAULT_TEMPLATES) expect(() => templateVariables(t.text)).not.toThrow();
  });
});

describe('tone', () => {
  test.each([
    { draft: 'You should have read the instructions before ordering.', kind: 'defensive' },
    { draft: 'This is not our fault, the carrier lost it.', kind: 'defensive' },
    { draft: 'As we already said, the order shipped on Monday.', kind: 'defensive' },
    { draft: "There's nothing we can do about that.", kind: 'defensive' },
    { draft: 'Honestly this whole complaint is stupid and annoying.', kind: 'negative' },
    { draft: 'WE HAVE TOLD YOU ALREADY', kind: 'shouting' },
    { draft: 'Please wait!!!', kind: 'shouting' },
  ])('flags "$draft" as $kind', ({ draft, kind }) => {
    const t = toneCheck(draft);
    expect(t.ok).toBe(false);
    expect(t.flags.map((f) => f.kind)).toContain(kind);
  });

  test.each([
    "Hi @ann, we're sorry about the wait on order 48213. We're checking it with the carrier now.",
    'Hi @ann, sorry for the trouble. Could you send us a direct message with your order number?',
    'Thanks for letting us know, our team is on it and we will update you today.',
    'We apologise for the delay and the inconvenience; a replacement ships tomorrow.',
  ])('a careful apology passes: "%s"', (draft) => {
    expect(toneCheck(draft)).toMatchObject({ ok: true, flags: [] });
  });

  test('an inserted issue label does not make a reply negative', () => {
    const draft = "Hi @ann, we're aware of the broken screens after the firmware crash problem and we're on it.";
    expect(toneCheck(draft, ['broken screens after the firmware crash']).ok).toBe(true);
  });

  test('a flagged phrase is quoted from the draft', () => {
    expect(toneCheck('Well, you should have called.').flags[0]).toMatchObject({ kind: 'defensive', text: 'you should have' });
  });
});

describe('approval rules', () => {
  test.each([
    { priority: 'normal', openAlerts: 0, required: false },
    { priority: 'low', openAlerts: 0, required: false },
    { priority: 'high', openAlerts: 0, required: true },
    { priority: 'urgent', openAlerts: 0, required: true },
    { priority: 'normal', openAlerts: 1, required: true },
  ] as const)('by default a $priority case with $openAlerts open alerts needs approval: $required', ({ priority, openAlerts, required }) => {
    expect(approvalNeeded(DEFAULT_APPROVAL_RULES, { priority, openAlerts }).required).toBe(required);
  });

  test('rules are the deployment\'s: always, or never', () => {
    expect(approvalNeeded({ always: true, priorities: [], openAlert: false }, { priority: 'low', openAlerts: 0 })).toEqual({ required: true, reasons: ['every reply needs approval here'] });
    expect(approvalNeeded({ always: false, priorities: [], openAlert: false }, { priority: 'urgent', openAlerts: 3 }).required).toBe(false);
  });
});

describe('candidate drafts', () => {
  test('every template the case can fill, counted and checked; those needing a missing value are skipped with the reason', () => {
    const { candidates, skipped } = candidateDrafts(DEFAULT_TEMPLATES, { author: 'ann', case: '#4', issue: 'late deliveries' }, 'x');
    expect(candidates.map((c) => c.templateId).sort()).toEqual(['ask-dm', 'known-issue', 'thanks']);
    expect(skipped).toEqual([expect.objectContaining({ templateId: 'order-status', reason: expect.stringMatching(/\{order\}/) })]);
    for (const c of candidates) {
      expect(c.body).not.toMatch(/[{}]/);
      expect(c.count.length).toBe(xLength(c.body));
    }
  });

  test('drafts over the limit or with a poor tone come last', () => {
    const templates = [
      { id: 'long', name: 'long', text: `Hi @{author} ${'a'.repeat(300)}` },
      { id: 'rude', name: 'rude', text: 'You should have read the manual, @{author}.' },
      { id: 'good', name: 'good', text: 'Hi @{author}, we are on it.' },
    ];
    expect(candidateDrafts(templates, { author: 'ann' }, 'x').candidates.map((c) => c.templateId)).toEqual(['good', 'rude', 'long']);
  });
});

describe('Bluesky record keys', () => {
  test('a thousand keys made in the same millisecond are all different', async () => {
    const { newTid } = await import('../../server/replies/bluesky.sender');
    const at = new Date('2026-03-10T12:30:00Z');
    const keys = new Set(Array.from({ length: 1000 }, () => newTid(at)));
    expect(keys.size).toBe(1000);
    // Even with the same random draws, which is what collided before.
    const same = new Set(Array.from({ length: 1000 }, () => newTid(at, 7, 500)));
    expect(same.size).toBe(1000);
    expect([...keys].every((k) => /^[2-7a-z]{13}$/.test(k))).toBe(true);
  });
});

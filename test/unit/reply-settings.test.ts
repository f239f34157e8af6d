import { describe, expect, test } from 'vitest';
import { approvalRules, previewInput, replyAccountInput, replySecretsByNetwork, templatesInput } from '../../shared/api/replies';
import { accountDraft, accountToInput, previewRequest, removeTemplate, rulesSummary, saveTemplate, secretFields, templateIdFor, withPriority, type AccountDraft, type ReplyTemplate } from '../../web/lib/reply-settings';

describe('the reply-account form', () => {
  test.each<[string, Partial<AccountDraft> & Pick<AccountDraft, 'network'>, object]>([
    ['a Mastodon account with its instance, limit and token', { network: 'mastodon', handle: '@acmehelp', baseUrl: ' https://m.example ', maxCharacters: 1000, accessToken: ' tok ' }, { handle: 'acmehelp', baseUrl: 'https://m.example', maxCharacters: 1000, secrets: { accessToken: 'tok' } }],
    ['an X account with an OAuth 2.0 user token and no base override', { network: 'x', handle: 'AcmeHelp', accessToken: 'oauth2' }, { handle: 'AcmeHelp', baseUrl: null, maxCharacters: null, secrets: { accessToken: 'oauth2' } }],
    ['an X account with the four OAuth 1.0a keys', { network: 'x', handle: 'AcmeHelp', xAuth: 'oauth1', appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'ts' }, { handle: 'AcmeHelp', baseUrl: null, maxCharacters: null, secrets: { appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'ts' } }],
    ['a Bluesky account with an app password', { network: 'bluesky', handle: 'acme.bsky.social', identifier: 'acme.bsky.social', appPassword: 'abcd-efgh' }, { handle: 'acme.bsky.social', baseUrl: null, maxCharacters: null, secrets: { identifier: 'acme.bsky.social', appPassword: 'abcd-efgh' } }],
    ['a character limit on a network other than Mastodon is dropped', { network: 'bluesky', handle: 'a', maxCharacters: 900, identifier: 'a', appPassword: 'p' }, { maxCharacters: null }],
  ])('%s becomes a request the shared schemas accept', (_name, over, expected) => {
    const input = accountToInput({ ...accountDraft(over.network), ...over });
    expect(input).toMatchObject(expected);
    expect(replyAccountInput.safeParse(input).success).toBe(true);
    expect(replySecretsByNetwork[over.network].safeParse(input.secrets).success).toBe(true);
  });

  test('blank secrets are left out, so the stored credentials are kept', () => {
    const input = accountToInput(accountDraft('mastodon', { handle: 'acmehelp', baseUrl: 'https://m.example', maxCharacters: 500 }));
    expect(input).toEqual({ handle: 'acmehelp', baseUrl: 'https://m.example', maxCharacters: 500, secrets: undefined });
    expect('secrets' in input).toBe(false);
  });

  test('one X OAuth 1.0a key typed sends all four, so the server names the missing ones', () => {
    const input = accountToInput({ ...accountDraft('x'), handle: 'h', xAuth: 'oauth1', appKey: 'k' });
    expect(input.secrets).toEqual({ appKey: 'k', appSecret: '', accessToken: '', accessSecret: '' });
    expect(replySecretsByNetwork.x.safeParse(input.secrets).success).toBe(false);
  });

  test.each([
    [{ network: 'x', xAuth: 'oauth2' }, ['accessToken']],
    [{ network: 'x', xAuth: 'oauth1' }, ['appKey', 'appSecret', 'accessToken', 'accessSecret']],
    [{ network: 'bluesky', xAuth: 'oauth2' }, ['identifier', 'appPassword']],
    [{ network: 'mastodon', xAuth: 'oauth1' }, ['accessToken']],
  ] as const)('%o asks for %o', (d, fields) => {
    expect(secretFields(d)).toEqual(fields);
  });

  test.each([
    [null, null],
    [1000, 1000],
    [Number.NaN, null],
  ])('a Mastodon limit input of %s is sent as %s', (value, sent) => {
    expect(accountToInput({ ...accountDraft('mastodon'), handle: 'h', maxCharacters: value }).maxCharacters).toBe(sent);
  });

  test('a saved account fills the form but never its secrets', () => {
    const d = accountDraft('mastodon', { handle: 'acmehelp', baseUrl: 'https://m.example', maxCharacters: null });
    expect(d).toMatchObject({ handle: 'acmehelp', baseUrl: 'https://m.example', maxCharacters: null, accessToken: '' });
  });
});

describe('the template editor', () => {
  const list: ReplyTemplate[] = [
    { id: 'order-status', name: 'Order', text: 'Hi @{author}, order {order}.' },
    { id: 'thanks', name: 'Thanks', text: 'Thanks @{author}!' },
  ];

  test.each([
    ['Order: looking into it', [], 'order-looking-into-it'],
    ['Order: looking into it', ['order-looking-into-it'], 'order-looking-into-it-2'],
    ['Order: looking into it', ['order-looking-into-it', 'order-looking-into-it-2'], 'order-looking-into-it-3'],
    ['Café réponse', [], 'cafe-reponse'],
    ['!!!', [], 'template'],
    ['a very long template name that goes on and on and on', [], 'a-very-long-template-name-that-goes'],
  ])('a template named %j beside %o gets the id %s', (name, taken, id) => {
    expect(templateIdFor(name, taken)).toBe(id);
    expect(id).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  test('a new template is appended with an id from its name; the list stays valid', () => {
    const next = saveTemplate(list, { originalId: null, id: '', name: ' Thanks ', text: ' Thank you @{author}. ' });
    expect(next.map((t) => t.id)).toEqual(['order-status', 'thanks', 'thanks-2']);
    expect(next[2]).toEqual({ id: 'thanks-2', name: 'Thanks', text: 'Thank you @{author}.' });
    expect(templatesInput.safeParse({ templates: next }).success).toBe(true);
  });

  test('an edited template keeps its place, even renamed to a new id', () => {
    const next = saveTemplate(list, { originalId: 'order-status', id: 'order', name: 'Order status', text: 'Order {order} is on its way.' });
    expect(next).toEqual([{ id: 'order', name: 'Order status', text: 'Order {order} is on its way.' }, list[1]]);
  });

  test('an edited template whose id was cleared gets one from its name, not clashing with the others', () => {
    const next = saveTemplate(list, { originalId: 'order-status', id: '', name: 'Thanks', text: 'x' });
    expect(next.map((t) => t.id)).toEqual(['thanks-2', 'thanks']);
  });

  test('removing a template leaves the others in order', () => {
    expect(removeTemplate(list, 'order-status')).toEqual([list[1]]);
    expect(removeTemplate(list, 'nope')).toEqual(list);
  });
});

describe('the template preview', () => {
  test.each([
    ['Hi @{author}, about order {order} ({case}).', { text: 'Hi @ann_smith, about order 48213 (#128).' }],
    ['Thanks, {agent} from {subject}', { text: 'Thanks, Rita from Acme' }],
    ['Literal {{braces}} stay', { text: 'Literal {braces} stay' }],
  ])('%j without a case is filled with sample values', (text, input) => {
    const r = previewRequest(text, { agent: 'Rita' });
    expect(r).toEqual({ ok: true, input });
    expect(previewInput.safeParse(r.ok && r.input).success).toBe(true);
  });

  test.each([
    ['12', 12],
    ['#12', 12],
    [' 7 ', 7],
  ])('with case %j the server fills the template from case %i', (caseId, id) => {
    expect(previewRequest('Hi @{author}', { caseId })).toEqual({ ok: true, input: { caseId: id, template: 'Hi @{author}' } });
  });

  test.each([
    ['Hi {customer}', /Unknown variable \{customer\}/],
    ['Hi {author', /A lone "\{"/],
  ])('%j cannot be previewed and says why', (text, message) => {
    const r = previewRequest(text, { caseId: 'abc' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
  });
});

describe('the approval rules', () => {
  test.each([
    [{ always: true, priorities: ['high'], openAlert: true }, 'Every reply needs approval.'],
    [{ always: false, priorities: ['urgent', 'high'], openAlert: true }, 'Replies need approval on high or urgent cases, and when the issue has an open alert.'],
    [{ always: false, priorities: ['low', 'normal', 'urgent'], openAlert: false }, 'Replies need approval on low, normal or urgent cases.'],
    [{ always: false, priorities: ['urgent'], openAlert: false }, 'Replies need approval on urgent cases.'],
    [{ always: false, priorities: [], openAlert: true }, 'Replies need approval when the issue has an open alert.'],
    [{ always: false, priorities: [], openAlert: false }, 'No reply needs approval: responders send their own.'],
  ] as const)('%o reads %j', (rules, sentence) => {
    expect(rulesSummary({ ...rules, priorities: [...rules.priorities] })).toBe(sentence);
  });

  test('turning priorities on and off keeps them in order and valid', () => {
    let rules = approvalRules.parse({ always: false, priorities: ['high'], openAlert: true });
    rules = withPriority(rules, 'urgent', true);
    rules = withPriority(rules, 'low', true);
    rules = withPriority(rules, 'low', true);
    expect(rules.priorities).toEqual(['low', 'high', 'urgent']);
    rules = withPriority(rules, 'high', false);
    expect(rules).toEqual({ always: false, priorities: ['low', 'urgent'], openAlert: true });
    expect(approvalRules.safeParse(rules).success).toBe(true);
  });
});

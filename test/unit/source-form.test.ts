import { describe, expect, test } from 'vitest';
import { sourceInput } from '../../shared/api/sources';
import { draftToInput, emptyDraft, fmtAge, fmtCounters } from '../../web/lib/source-form';

describe('the add-a-source form', () => {
  test('a Mastodon draft becomes a valid request: hashtags split, "#" dropped, the token under secrets', () => {
    const input = draftToInput({ ...emptyDraft('mastodon'), name: ' Fosstodon ', instanceUrl: 'https://fosstodon.example', hashtags: '#acme, acmesupport  #kestrel', accessToken: ' tok ' });
    expect(input).toEqual({ config: { kind: 'mastodon', name: 'Fosstodon', instanceUrl: 'https://fosstodon.example', hashtags: ['acme', 'acmesupport', 'kestrel'] }, secrets: { accessToken: 'tok' } });
    expect(sourceInput.safeParse(input).success).toBe(true);
  });

  test('an X draft with no budget means no cap, and an empty API base is left out', () => {
    const input = draftToInput({ ...emptyDraft('x'), name: 'X', bearerToken: 'b', monthlyReadBudget: '', pollIntervalSeconds: '120' });
    expect(input.config).toEqual({ kind: 'x', name: 'X', mode: 'search', pollIntervalSeconds: 120, monthlyReadBudget: null });
    expect(sourceInput.parse(input).config).toMatchObject({ monthlyReadBudget: null });
  });

  test('numbers typed into number inputs (which Svelte binds as numbers, or null when cleared) are read as numbers', () => {
    const x = draftToInput({ ...emptyDraft('x'), name: 'X', bearerToken: 'b', pollIntervalSeconds: 90, monthlyReadBudget: 5000 });
    expect(x.config).toMatchObject({ pollIntervalSeconds: 90, monthlyReadBudget: 5000 });
    const cleared = draftToInput({ ...emptyDraft('x'), name: 'X', bearerToken: 'b', monthlyReadBudget: null as unknown as number });
    expect(cleared.config).toMatchObject({ monthlyReadBudget: null });
    expect(draftToInput({ ...emptyDraft('rss'), name: 'n', feedUrl: 'https://n.example/f', intervalSeconds: 600 }).config).toMatchObject({ intervalSeconds: 600 });
  });

  test.each([
    ['rss', { feedUrl: 'javascript:alert(1)' }],
    ['rss', { feedUrl: 'https://n.example/feed', intervalSeconds: '5' }],
    ['mastodon', { instanceUrl: 'https://m.example', hashtags: '  ' }],
    ['bluesky', { jetstreamUrl: 'https://not-a-websocket.example' }],
  ] as const)('a %s draft with %o is refused by the shared schema', (kind, over) => {
    expect(sourceInput.safeParse(draftToInput({ ...emptyDraft(kind), name: 'n', ...over })).success).toBe(false);
  });
});

describe('health cells', () => {
  test.each([
    [null, '—'],
    [4_000, '4 s'],
    [240_000, '4 min'],
    [3 * 3_600_000, '3 h'],
    [5 * 86_400_000, '5 d'],
  ])('an age of %s ms reads %s', (ms, text) => {
    expect(fmtAge(ms)).toBe(text);
  });

  test('counters read as words with their numbers', () => {
    expect(fmtCounters({ counters: { budget_used: 1200, skipped_frames: 3 } })).toBe('budget used 1,200 · skipped frames 3');
  });
});

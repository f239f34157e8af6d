import { afterAll, beforeAll, expect, test } from 'vitest';
import { groupsResponse, parseAttributeFilter, subjectGroup } from '../../shared/api/groups';
import { buildFullApp, Client, makeUser } from '../support/auth-app';
import { describeEachDatabase } from '../support/databases';
import { listenOnFreePort } from '../support/http';

test.each([
  ['tier=1, region=EMEA', { tier: '1', region: 'EMEA' }],
  ['tier = 1 ,, junk, =x', { tier: '1' }],
  ['__proto__=x,constructor=y,a=b=c', { a: 'b=c' }],
  ['', {}],
])('the attribute filter "%s" reads as %o', (text, expected) => {
  expect({ ...parseAttributeFilter(text) }).toEqual(expected);
});

describeEachDatabase('saved supplier groups', (db) => {
  let server: { url: string; close(): Promise<void> };
  let analyst: Client;
  let viewer: Client;
  beforeAll(async () => {
    server = await listenOnFreePort(await buildFullApp(db()));
    const a = await makeUser(db(), 'analyst');
    const v = await makeUser(db(), 'viewer');
    analyst = new Client(server.url);
    viewer = new Client(server.url);
    await analyst.signIn(a.email, a.password);
    await viewer.signIn(v.email, v.password);
  });
  afterAll(() => server?.close());

  test('an analyst saves "tier-1 in EMEA", everyone sees it, a viewer cannot change it, a name is used once', async () => {
    const body = { name: 'Tier-1 in EMEA', filter: { kind: 'supplier', attributes: { tier: '1', region: 'EMEA' } } };
    const created = await analyst.call('POST', '/api/subject-groups', body);
    expect(created.status).toBe(201);
    const group = subjectGroup.parse(created.body);
    expect(group).toMatchObject({ ...body, createdBy: expect.stringContaining('@') });
    expect((await analyst.call('POST', '/api/subject-groups', { ...body, name: 'tier-1 IN emea' })).status).toBe(409);
    expect((await viewer.call('POST', '/api/subject-groups', { ...body, name: 'Other' })).status).toBe(403);
    const listed = groupsResponse.parse((await viewer.call('GET', '/api/subject-groups')).body);
    expect(listed.groups.map((g) => g.name)).toEqual(['Tier-1 in EMEA']);
    expect((await viewer.call('DELETE', `/api/subject-groups/${group.id}`)).status).toBe(403);
    expect((await analyst.call('DELETE', `/api/subject-groups/${group.id}`)).status).toBe(204);
    expect((await analyst.call('DELETE', `/api/subject-groups/${group.id}`)).status).toBe(404);
    expect(groupsResponse.parse((await viewer.call('GET', '/api/subject-groups')).body).groups).toEqual([]);
  });

  test('a prototype key or a bad kind is refused, and nothing is polluted', async () => {
    const r = await analyst.call('POST', '/api/subject-groups', '{"name":"p","filter":{"kind":null,"attributes":{"__proto__":"x"}}}');
    expect(r.status).toBe(400);
    expect((await analyst.call('POST', '/api/subject-groups', { name: 'k', filter: { kind: 'planet', attributes: {} } })).status).toBe(400);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

import { expect, test } from 'vitest';
import { auditCsvRows, auditTarget, describeDetails } from '../../web/lib/audit-view';
import { toCsv } from '../../web/lib/csv';

test.each([
  { details: {}, text: '' },
  { details: { from: 'viewer', to: 'analyst' }, text: 'from=viewer, to=analyst' },
  { details: { name: 'hook', scope: 'ingest' }, text: 'name=hook, scope=ingest' },
  { details: { a: { b: 1, c: null } }, text: 'a.b=1, a.c=null' },
  { details: { records: ['order 1', 'order 2'] }, text: 'records=order 1|order 2' },
])('details $details read as "$text"', ({ details, text }) => {
  expect(describeDetails(details)).toBe(text);
});

test.each([
  { targetType: 'user', targetId: '7', text: 'user 7' },
  { targetType: null, targetId: null, text: '' },
])('the target $targetType $targetId reads "$text"', ({ targetType, targetId, text }) => {
  expect(auditTarget({ targetType, targetId })).toBe(text);
});

test('an audit row whose values look like formulas exports as inert CSV cells', () => {
  const rows = auditCsvRows([
    { id: 3, at: '2026-03-10T12:00:00.000Z', actorId: null, actorEmail: null, action: 'login.failed', targetType: null, targetId: null, details: { email: '=HYPERLINK("http://evil.example")' }, ip: '127.0.0.1' },
    { id: 2, at: '2026-03-10T11:00:00.000Z', actorId: 4, actorEmail: null, action: 'token.created', targetType: 'token', targetId: '9', details: { name: '@SUM(1,2)' }, ip: null },
  ]);
  expect(rows[0]).toEqual([3, '2026-03-10T12:00:00.000Z', '', 'login.failed', '', '127.0.0.1', 'email==HYPERLINK("http://evil.example")']);
  expect(rows[1]![2]).toBe('user 4');
  const csv = toCsv(['id', 'at', 'actor', 'action', 'target', 'ip', 'details'], [[1, '=1+1', '+2', '-3', '@x', '\tq', 'fine']]);
  expect(csv.split('\r\n')[1]).toBe("1,'=1+1,'+2,'-3,'@x,'\tq,fine");
});

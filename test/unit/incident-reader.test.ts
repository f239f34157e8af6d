import { expect, test } from 'vitest';
import type { IncidentDetail } from '../../shared/api/incidents';
import { IncidentReader } from '../../server/services/incidents.service';

/** A read that finishes when the test says so, counting how often it ran. */
function controlledRead() {
  const calls: number[] = [];
  const pending: Array<(v: IncidentDetail) => void> = [];
  const read = (id: number) => {
    calls.push(id);
    return new Promise<IncidentDetail>((resolve) => pending.push(resolve));
  };
  return { calls, read, finish: (value: unknown) => pending.splice(0).forEach((r) => r(value as IncidentDetail)) };
}

test('requests for one incident while its read runs share that read; a later request reads again', async () => {
  const c = controlledRead();
  const reader = new IncidentReader(c.read);
  const together = [reader.detail(1), reader.detail(1), reader.detail(1), reader.detail(2)];
  expect(c.calls).toEqual([1, 2]);
  c.finish({ id: 'first' });
  const answers = await Promise.all(together);
  expect(answers.map((a) => (a as unknown as { id: string }).id)).toEqual(['first', 'first', 'first', 'first']);
  const later = reader.detail(1);
  expect(c.calls).toEqual([1, 2, 1]);
  c.finish({ id: 'second' });
  expect(((await later) as unknown as { id: string }).id).toBe('second');
});

test('a failed read is not kept: the next request tries again', async () => {
  let n = 0;
  const reader = new IncidentReader(async () => {
    n++;
    if (n === 1) throw new Error('database went away');
    return { id: 7 } as unknown as IncidentDetail;
  });
  await expect(reader.detail(7)).rejects.toThrow('database went away');
  await expect(reader.detail(7)).resolves.toMatchObject({ id: 7 });
  expect(n).toBe(2);
});

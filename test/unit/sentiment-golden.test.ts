import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { goldenPath, modelDigest, runCase, type GoldenCase } from '../fixtures/sentiment-golden';

const [header, ...lines] = readFileSync(goldenPath, 'utf8').trimEnd().split('\n');
const { model } = JSON.parse(header!) as { model: string };
const cases = lines.map((l) => JSON.parse(l) as GoldenCase & { out: unknown });

describe('the sentiment golden snapshot', () => {
  test('covers thousands of cases, hostile ones among them', () => {
    expect(cases.length).toBeGreaterThan(3000);
    expect(cases.some((c) => c.gen === 'one letter 100 KB')).toBe(true);
  });

  test('analyze() gives exactly the recorded output for every case', () => {
    const changed: string[] = [];
    for (const c of cases) {
      const got = runCase(c);
      if (got !== JSON.stringify(c.out)) changed.push(`${JSON.stringify(c.gen ?? c.text).slice(0, 120)} ${JSON.stringify(c.options ?? {})}\n  was ${JSON.stringify(c.out)}\n  now ${got}`);
    }
    const why =
      model === modelDigest()
        ? 'outputs changed with the same model: a speed change must not do that'
        : 'the model file changed since the snapshot: if that is meant, regenerate with `npx tsx test/fixtures/sentiment-golden.ts --write`';
    expect(changed.slice(0, 10), `${changed.length} of ${cases.length} cases changed (${why})`).toEqual([]);
  });
});

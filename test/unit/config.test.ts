import { describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config';

describe('parseConfig', () => {
  test('an empty environment gives the documented defaults: demo on, embedded database, port 3000', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: null, logLevel: 'info', demo: { enabled: true } });
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('DATABASE_URL switches to a PostgreSQL server', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).databaseUrl).toBe('postgres://u@h:5432/db');
  });

  test('every bad variable is named at once', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', EARSHOT_DEMO: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/EARSHOT_DEMO/);
  });

  test.each([
    ['off', false],
    ['0', false],
    ['on', true],
    ['true', true],
  ])('EARSHOT_DEMO=%s turns the demo %s', (value, enabled) => {
    expect(parseConfig({ EARSHOT_DEMO: value }).demo.enabled).toBe(enabled);
  });
});

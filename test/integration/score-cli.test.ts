import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from '../support/env';

/** Runs `earshot <args>` with `input` on stdin; resolves with its exit code and output. */
function earshot(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['server/bin.js', ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('earshot score reads plain text and JSONL and answers one JSON line per post, keeping ids', async () => {
  const input = ['my order never arrived', JSON.stringify({ id: 'p7', text: 'love it, works great 😍' }), JSON.stringify({ id: 8, text: 'Mi pedido no llega todavía y nadie responde' }), ''].join('\n');
  const { code, stdout } = await earshot(['score'], input);
  expect(code).toBe(0);
  const [a, b, c] = lines(stdout);
  expect(a).toMatchObject({ label: 'negative', lang: 'en', intent: 'complaint' });
  expect(a).not.toHaveProperty('id');
  expect(b).toMatchObject({ id: 'p7', label: 'positive' });
  expect(c).toMatchObject({ id: 8, label: 'unscored', lang: 'es' });
});

test.each([
  ['JSON null', 'null', /null/],
  ['a number', '42', /number/],
  ['an object without text', '{"id": 1, "body": "hi"}', /text/],
  ['a text that is not a string', '{"text": 5}', /text/],
  ['broken JSON', '{"text": "unterminated', /invalid JSON/],
  ['an array', '[1, 2]', /array/],
])('a line holding %s gets a per-line error and the run goes on', async (_what, bad, message) => {
  const { code, stdout } = await earshot(['score'], `first post is great\n${bad}\nlast post is awful\n`);
  expect(code).toBe(0);
  const out = lines(stdout);
  expect(out).toHaveLength(3);
  expect(out[1]).toMatchObject({ line: 2 });
  expect(String(out[1]!.error)).toMatch(message);
  expect(out[2]).toMatchObject({ label: 'negative' });
});

test('hostile lines get a defined result: lone surrogates, RTL, CJK, entities, 100 KB', async () => {
  const input = ['bad \ud800 service', '\u202egood\u202c', '注文がまだ届きません', '&lt;b&gt;terrible&lt;/b&gt; &amp; slow', 'late '.repeat(20_000), '😡🤬', 'https://a.example/x'].join('\n');
  const { code, stdout } = await earshot(['score'], input);
  expect(code).toBe(0);
  const out = lines(stdout);
  expect(out).toHaveLength(7);
  for (const a of out) expect(['positive', 'neutral', 'negative', 'unscored']).toContain(a.label);
  expect(out[2]).toMatchObject({ label: 'unscored', lang: 'ja' });
});

test('earshot score takes 100,000 lines in one run', async () => {
  const posts = ['flight delayed again, no update', 'thanks for the quick refund!', 'where is my order #48213?', 'on hold for 2 hours 😡'];
  const input = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? JSON.stringify({ id: i, text: posts[i % 4] }) : posts[i % 4])).join('\n');
  const { code, stdout } = await earshot(['score'], input);
  expect(code).toBe(0);
  const out = stdout.trim().split('\n');
  expect(out).toHaveLength(100_000);
  expect(JSON.parse(out[99_999]!)).toMatchObject({ label: 'negative' });
}, 60_000);

test('corrections change later scores, and earshot eval reports accuracy before and after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-eval-'));
  const corrections = join(dir, 'corrections.jsonl');
  const labelled = join(dir, 'labelled.tsv');
  writeFileSync(corrections, `${JSON.stringify({ text: 'this phone is sick', label: 'positive' })}\n`);
  writeFileSync(labelled, 'positive\tthis phone is sick\nnegative\tmy parcel never arrived\npositive\tgreat support, thank you\n');
  const scored = await earshot(['score', '--corrections', corrections], 'this phone is sick\n');
  expect(lines(scored.stdout)[0]).toMatchObject({ label: 'positive' });
  const { code, stdout } = await earshot(['eval', '--file', labelled, '--corrections', corrections], '');
  expect(code).toBe(0);
  const before = Number(/before corrections\s+accuracy ([\d.]+)/.exec(stdout)?.[1]);
  const after = Number(/after corrections\s+accuracy ([\d.]+)/.exec(stdout)?.[1]);
  expect(after).toBeGreaterThan(before);
});

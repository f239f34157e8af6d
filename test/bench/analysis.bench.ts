/** Single-core throughput of the pure analysis: sentiment, subject matching, references. */
import { spawnSync } from 'node:child_process';
import { compileSubjects } from '../../server/analysis/query-matcher';
import { parseQuery } from '../../server/analysis/query-parser';
import { extractReferences } from '../../server/analysis/references';
import { analyze } from '../../server/analysis/sentiment';
import { iterateScenarioPosts } from '../../server/sources/demo/scenario';
import { DEMO_SUBJECTS } from '../../server/sources/demo/vocabulary';
import { repoRoot } from '../support/env';
import { report } from './report';

function texts(n: number): string[] {
  const out: string[] = [];
  for (const p of iterateScenarioPosts({ seed: 5, start: new Date('2026-01-01T00:00:00Z'), days: Infinity, postsPerDay: 20_000 })) {
    out.push(p.post.text);
    if (out.length >= n) break;
  }
  return out;
}

function rate(items: string[], fn: (t: string) => unknown): number {
  for (const t of items.slice(0, 2000)) fn(t); // warm up the JIT
  const t0 = performance.now();
  for (const t of items) fn(t);
  return items.length / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<void> {
  const sample = texts(100_000);
  // sentiment.bench.ts reports sentiment_posts_per_s_core on its mixed corpus; this is the demo posts only.
  report('sentiment_demo_posts_per_s_core', rate(sample, (t) => analyze(t)), 'posts/s');
  // 50 subjects: the demo's six plus 44 realistic supplier queries.
  const queries = [
    ...DEMO_SUBJECTS.map((s) => s.query),
    ...Array.from({ length: 44 }, (_, i) => `"Supplier ${i} GmbH" OR @supplier${i} OR (supplier${i} AND (delivery OR invoice OR defect)) -job -hiring`),
  ];
  const match = compileSubjects(queries.map((q, id) => ({ id, query: (parseQuery(q) as { ok: true; query: never }).query })));
  report('match_posts_per_s_core', rate(sample, (text) => match({ text, authorHandle: null, lang: 'en' })), 'posts/s');
  report('references_posts_per_s_core', rate(sample, (t) => extractReferences(t)), 'posts/s');
  // Cold start: importing the engine with its lexicons, in a fresh process.
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./server/analysis/sentiment/index.ts')"], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  report('sentiment_cold_start_with_tsx_ms', performance.now() - t0, 'ms');
}

/**
 * Sentiment engine speed: full `analyze()` on tweet-length posts on one thread, and the cold start
 * (importing the engine with its lexicons and weights) in a fresh process.
 */
import { spawnSync } from 'node:child_process';
import { analyze } from '../../server/analysis/sentiment';
import { iterateScenarioPosts } from '../../server/sources/demo/scenario';
import { repoRoot } from '../support/env';
import { report, type BenchOptions } from './report';

/** Demo posts (complaints, questions, praise with references and emoji) mixed with general tweets. */
function texts(n: number): string[] {
  const out: string[] = [];
  const general = [
    'Just watched the new episode and I am sooo happy with how it ended!! #bestshow',
    "can't believe @united lost my bag AGAIN, 3 hours on hold and no update. never flying with them again 😡",
    'Anyone know if the store on 5th is open tomorrow? Need to pick up order #48213',
    'meh. the update is ok I guess but the battery drains way faster now :/',
    'Thanks @acme for the quick refund, support was great 👍 https://t.co/abc123',
  ];
  for (const p of iterateScenarioPosts({ seed: 7, start: new Date('2026-01-01T00:00:00Z'), days: Infinity, postsPerDay: 20_000 })) {
    out.push(out.length % 3 === 0 ? general[out.length % general.length]! : p.post.text);
    if (out.length >= n) break;
  }
  return out;
}

export async function run(_opts?: BenchOptions): Promise<void> {
  const sample = texts(100_000);
  for (const t of sample.slice(0, 5000)) analyze(t); // warm up the JIT
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const t of sample) analyze(t);
  const cpu = process.cpuUsage(cpu0);
  report('sentiment_posts_per_s_core', sample.length / ((performance.now() - t0) / 1000), 'posts/s');
  // The same run per second of CPU time (all of the process's threads, the collector's too): on a
  // shared machine the wall clock also counts the time other processes held the core.
  report('sentiment_posts_per_cpu_s', sample.length / ((cpu.user + cpu.system) / 1e6), 'posts/s');
  const script = "const t0 = performance.now(); const m = await import('./server/analysis/sentiment/index.ts'); m.analyze('warm'); console.log(performance.now() - t0);";
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    runs.push(Number(r.stdout.trim().split('\n').pop()));
  }
  report('sentiment_cold_start_ms', Math.min(...runs), 'ms');
}

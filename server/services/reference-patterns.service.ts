/**
 * The deployment's reference patterns: checked on save (they compile, capture a value, find one in
 * their test string, have no nested quantifier, and get through hostile 10 KB texts within a time
 * box), stored in `settings`, and handed to the references extractor for new posts.
 */
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { ReferencePattern } from '../../shared/api/reference-patterns';
import { probeTexts } from '../analysis/pattern-probe';
import { compilePatterns, type CompiledPattern } from '../analysis/references';
import { loadSetting, saveSetting } from '../db/repositories/settings.repository';
import type { Database } from '../db/tables';

export const PATTERNS_KEY = 'references.patterns';
/** How long one pattern may take over all its probe texts. */
const PROBE_BUDGET_MS = 250;
/** Starting a worker is slow on a busy machine; that time is not the pattern's. */
const WORKER_START_MS = 10_000;

export async function loadReferencePatterns(db: Kysely<Database>): Promise<ReferencePattern[]> {
  return (await loadSetting<ReferencePattern[]>(db, PATTERNS_KEY)) ?? [];
}

export async function saveReferencePatterns(db: Kysely<Database>, patterns: ReferencePattern[]): Promise<void> {
  await saveSetting(db, PATTERNS_KEY, patterns);
}

/** Per pattern name, what is wrong with it; empty when every pattern may be used. */
export async function checkPatterns(defs: ReferencePattern[], budgetMs = PROBE_BUDGET_MS): Promise<{ errors: Record<string, string>; compiled: CompiledPattern[] }> {
  const checked = compilePatterns(defs);
  if (!checked.ok) return { errors: checked.errors, compiled: [] };
  const errors: Record<string, string> = {};
  for (const d of defs) {
    const ms = await timeOnProbes(d.regex, probeTexts(d.test), budgetMs);
    if (ms === null) errors[d.name] = `the pattern takes more than ${budgetMs} ms on a 10 KB text (catastrophic backtracking); make its repetitions unambiguous`;
  }
  return Object.keys(errors).length ? { errors, compiled: [] } : { errors, compiled: checked.patterns };
}

// Runs in a worker so a pattern that backtracks forever can be stopped: a regex cannot be
// interrupted on the thread that runs it.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const re = new RegExp(workerData.source, 'gi');
parentPort.postMessage('ready');
const t0 = performance.now();
for (const text of workerData.texts) { re.lastIndex = 0; for (const _ of text.matchAll(re)); }
parentPort.postMessage(performance.now() - t0);
`;

/** Milliseconds the pattern took over the texts, or null when it ran out of budget. */
export function timeOnProbes(source: string, texts: string[], budgetMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { source, texts } });
    let timer = setTimeout(() => finish(null, new Error('the pattern checker did not start')), WORKER_START_MS);
    const finish = (ms: number | null, error?: Error) => {
      clearTimeout(timer);
      void worker.terminate();
      if (error) reject(error);
      else resolve(ms);
    };
    worker.on('message', (m: unknown) => {
      if (m === 'ready') {
        clearTimeout(timer);
        timer = setTimeout(() => finish(null), budgetMs);
      } else finish(typeof m === 'number' && m <= budgetMs ? m : null);
    });
    worker.on('error', (e) => finish(null, e));
  });
}

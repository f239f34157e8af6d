/**
 * Capped exponential backoff with full jitter (AWS architecture blog's "full jitter"):
 * attempt 0 waits up to `baseMs`, each later attempt doubles the ceiling until `capMs`.
 * Never zero for a retry, so a server that accepts and drops at once cannot cause a tight loop.
 * @example backoffDelay(3, { baseMs: 1000, capMs: 60000 }, () => 0.5) // 4000
 */
export function backoffDelay(attempt: number, opts: { baseMs: number; capMs: number; minMs?: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(opts.minMs ?? Math.min(100, opts.baseMs), Math.round(ceiling * random()));
}

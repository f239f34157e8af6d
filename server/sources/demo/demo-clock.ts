import type { Clock } from '../../clock';

/**
 * The demo's accelerated time: it starts at the wall time the server started and runs `speed`
 * times faster, so a scenario day plays in 24 minutes at 60×. The whole server (ingest, detection,
 * dashboards, SLA clocks) shares it, so history and live posts sit on one coherent timeline.
 */
export function demoClock(speed: number, realNow: () => number = Date.now): Clock {
  const realStart = realNow();
  return {
    now: () => new Date(realStart + (realNow() - realStart) * speed),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms / speed);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

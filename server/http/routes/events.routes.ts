import { Router } from 'express';
import type { EventHub } from '../../pipeline/events';

/** Server-sent events: new posts, alerts, issues, cases and source changes, as they happen. */
export function eventsRoutes(deps: { events: EventHub; heartbeatMs?: number }): Router {
  const router = Router();
  router.get('/events', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const unsubscribe = deps.events.subscribe(({ type, payload }) => {
      res.write(`event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}

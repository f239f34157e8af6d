/**
 * A local webhook receiver on 127.0.0.1: records every request (headers and raw body) and can be
 * told to fail the next N requests with a status, or to hang, to test retries and timeouts.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeWebhook {
  url: string;
  received: ReceivedRequest[];
  /** Answer the next `count` requests with `status` (default 503). */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startFakeWebhook(): Promise<FakeWebhook> {
  const received: ReceivedRequest[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      if (failures.count > 0) {
        failures.count--;
        res.writeHead(failures.status).end('unavailable');
        return;
      }
      received.push(entry);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (count, status = 503) => (failures = { count, status }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

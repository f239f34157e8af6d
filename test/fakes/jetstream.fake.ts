/**
 * A Jetstream (v1) server on 127.0.0.1 for tests, after ../shared/reference/x-api-and-feeds.md (d):
 * `GET /subscribe?wantedCollections=…[&wantedDids=…][&cursor=<unix µs>]` upgraded to a WebSocket of
 * JSON text frames. Every event gets a `time_us`; a connection with a cursor first replays the log
 * from `time_us >= cursor` (no cursor, or a future one: live tail), then receives live events.
 * `identity` and `account` events go to everyone whatever `wantedCollections` says. Clients may send
 * `options_update` and `heartbeat` messages.
 *
 * Controls: push events, send raw (malformed) frames, drop connections, refuse connections (close at
 * once after the upgrade, or answer the upgrade with HTTP 503), go silent (no events, no pongs), and
 * count connections.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface PostRecordInput {
  text: string;
  createdAt?: string;
  langs?: string[];
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
  embed?: unknown;
  tags?: string[];
}

export type FakeEvent = Record<string, unknown> & { did: string; time_us: number; kind: 'commit' | 'identity' | 'account' };

interface Client {
  ws: WebSocket;
  collections: Set<string> | null;
  dids: Set<string> | null;
}

export interface FakeJetstream {
  /** ws://127.0.0.1:<port>/subscribe */
  url: string;
  /** Every event ever pushed, in time order (the replay log). */
  log: FakeEvent[];
  /** Upgrade requests received, including refused ones. */
  attempts: number;
  /** Connections accepted (upgraded). */
  connections: number;
  /** The query of every upgrade request, in order. */
  requests: URLSearchParams[];
  open(): number;
  create(did: string, rkey: string, record: PostRecordInput, collection?: string): FakeEvent;
  update(did: string, rkey: string, record: PostRecordInput): FakeEvent;
  delete(did: string, rkey: string, collection?: string): FakeEvent;
  identity(did: string, handle: string): FakeEvent;
  account(did: string, active: boolean, status?: string): FakeEvent;
  /** Sends a frame as it is, to every open connection, without logging it (malformed input). */
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  /** Closes every open connection (a network blip); `terminate` drops without a close frame. */
  drop(options?: { terminate?: boolean }): void;
  /** Refuse new connections: 'close' accepts then closes at once, '503' answers the upgrade with HTTP 503; null accepts. */
  refuse(mode: 'close' | '503' | null): void;
  /** Silent: nothing is sent (events are still logged for replay) and pings go unanswered. */
  silence(silent: boolean): void;
  /** Resolves once `n` connections are open. */
  waitForOpen(n?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeJetstream(options: { now?: () => number } = {}): Promise<FakeJetstream> {
  const clock = options.now ?? Date.now;
  const clients = new Set<Client>();
  const sockets = new Set<Socket>();
  const log: FakeEvent[] = [];
  let refuse: 'close' | '503' | null = null;
  let silent = false;
  let lastTime = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];

  const http = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required'));
  http.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ noServer: true, autoPong: false });

  const fake: FakeJetstream = {
    url: '',
    log,
    attempts: 0,
    connections: 0,
    requests: [],
    open: () => clients.size,
    create: (did, rkey, record, collection = 'app.bsky.feed.post') =>
      push({ did, kind: 'commit', commit: { rev: rev(), operation: 'create', collection, rkey, record: fullRecord(record), cid: cid() } }),
    update: (did, rkey, record) =>
      push({ did, kind: 'commit', commit: { rev: rev(), operation: 'update', collection: 'app.bsky.feed.post', rkey, record: fullRecord(record), cid: cid() } }),
    delete: (did, rkey, collection = 'app.bsky.feed.post') => push({ did, kind: 'commit', commit: { rev: rev(), operation: 'delete', collection, rkey } }),
    identity: (did, handle) => push({ did, kind: 'identity', identity: { did, handle, seq: log.length + 1, time: new Date(clock()).toISOString() } }),
    account: (did, active, status) =>
      push({ did, kind: 'account', account: { active, did, seq: log.length + 1, time: new Date(clock()).toISOString(), ...(status ? { status } : {}) } }),
    sendRaw: (data, opts = {}) => {
      for (const c of clients) c.ws.send(data, { binary: opts.binary ?? false });
    },
    drop: (opts = {}) => {
      for (const c of clients) {
        if (opts.terminate) c.ws.terminate();
        else c.ws.close(1001, 'going away');
      }
    },
    refuse: (mode) => (refuse = mode),
    silence: (s) => (silent = s),
    waitForOpen: (n = 1) => (clients.size >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: async () => {
      for (const c of clients) c.ws.terminate();
      for (const s of sockets) s.destroy();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };

  function push(event: Omit<FakeEvent, 'time_us'>): FakeEvent {
    // Jetstream stamps events with its own microsecond clock, strictly increasing.
    lastTime = Math.max(lastTime + 1, clock() * 1000);
    const full = { ...event, time_us: lastTime } as FakeEvent;
    log.push(full);
    if (!silent) for (const c of clients) if (wants(c, full)) c.ws.send(JSON.stringify(full));
    return full;
  }

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    fake.attempts++;
    const url = new URL(req.url ?? '/', 'http://fake');
    fake.requests.push(url.searchParams);
    if (url.pathname !== '/subscribe') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (refuse === '503') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nunavailable');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      fake.connections++;
      if (refuse === 'close') {
        ws.close(1013, 'try again later');
        return;
      }
      const client: Client = { ws, collections: setOf(url.searchParams.getAll('wantedCollections')), dids: setOf(url.searchParams.getAll('wantedDids')) };
      clients.add(client);
      ws.on('close', () => clients.delete(client));
      ws.on('ping', (data) => {
        if (!silent) ws.pong(data);
      });
      ws.on('message', (data) => onClientMessage(client, data.toString()));
      replay(client, url.searchParams.get('cursor'));
      for (const w of waiters.splice(0)) {
        if (clients.size >= w.n) w.resolve();
        else waiters.push(w);
      }
    });
  });

  function replay(client: Client, cursor: string | null): void {
    if (cursor === null || !/^\d+$/.test(cursor)) return;
    const from = Number(cursor);
    if (from > clock() * 1000) return; // a future cursor means live tail
    if (silent) return;
    for (const e of log) if (e.time_us >= from && wants(client, e)) client.ws.send(JSON.stringify(e));
  }

  function onClientMessage(client: Client, text: string): void {
    let msg: { type?: string; payload?: { wantedCollections?: string[]; wantedDids?: string[] } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'heartbeat' && !silent) client.ws.send(JSON.stringify({ kind: 'heartbeat', payload: '' }));
    if (msg.type === 'options_update' && msg.payload) {
      client.collections = setOf(msg.payload.wantedCollections ?? []);
      client.dids = setOf(msg.payload.wantedDids ?? []);
    }
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  fake.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/subscribe`;
  return fake;
}

function wants(client: Client, event: FakeEvent): boolean {
  if (event.kind !== 'commit') return true;
  if (client.dids && !client.dids.has(event.did)) return false;
  if (!client.collections) return true;
  const collection = (event.commit as { collection: string }).collection;
  // Jetstream accepts NSID prefixes such as app.bsky.feed.*
  return [...client.collections].some((c) => c === collection || (c.endsWith('.*') && collection.startsWith(c.slice(0, -1))));
}

function setOf(values: string[]): Set<string> | null {
  const list = values.flatMap((v) => v.split(',')).filter(Boolean);
  return list.length ? new Set(list) : null;
}

function fullRecord(r: PostRecordInput): Record<string, unknown> {
  return { $type: 'app.bsky.feed.post', createdAt: new Date().toISOString(), ...r };
}

let counter = 0;
const rev = () => `3l${(++counter).toString(36).padStart(11, '0')}`;
const cid = () => `bafyrei${(++counter).toString(36).padStart(52, 'a')}`;

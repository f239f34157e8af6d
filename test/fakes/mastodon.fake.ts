/**
 * A Mastodon instance on 127.0.0.1 for tests, after ../shared/reference/x-api-and-feeds.md (d):
 * - GET /api/v1/streaming/hashtag?tag= : SSE (`event: update|status.update|delete`, `:thump`
 *   heartbeats); a user token is required (Authorization: Bearer), as since 4.2.0.
 * - GET /api/v1/timelines/tag/:hashtag : newest first, max_id / since_id / min_id, limit ≤ 40,
 *   with a Link header (rel="next" older, rel="prev" newer).
 * - GET /api/v1/accounts/verify_credentials, for the connection test.
 * - POST /api/v1/statuses : records posts; the same Idempotency-Key returns the same status.
 * - GET /api/v2/search?q=<url>&type=statuses&resolve=true : finds a status by its url or uri; with
 *   resolve and a user token, a status of another instance this one can reach (`federateWith`)
 *   is fetched and gets a LOCAL id, as Mastodon does over ActivityPub.
 * Ids are snowflake-like digit strings, increasing.
 *
 * Controls: push, edit and delete statuses; send raw stream text (malformed frames); drop streams;
 * refuse streams with a status; silence (no events, no heartbeats); count connections and requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeStatus {
  id: string;
  created_at: string;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  visibility: string;
  language: string | null;
  uri: string;
  url: string;
  content: string;
  spoiler_text: string;
  reblog: FakeStatus | null;
  account: { id: string; username: string; acct: string; display_name: string; followers_count: number };
  tags: Array<{ name: string; url: string }>;
  mentions: unknown[];
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  edited_at: string | null;
}

export type StatusInput = Partial<Omit<FakeStatus, 'tags' | 'account'>> & { content: string; tags: string[]; account?: Partial<FakeStatus['account']> };

export interface FakeMastodon {
  url: string;
  token: string;
  statuses: FakeStatus[];
  /** Statuses created through POST /api/v1/statuses, with the key they were sent with. */
  posted: Array<{ status: FakeStatus; idempotencyKey: string | null; body: Record<string, unknown> }>;
  /** Stream requests, refused ones included. */
  streamRequests: number;
  streamConnections: number;
  timelineRequests: URLSearchParams[];
  searchRequests: URLSearchParams[];
  /** Lets resolve-searches fetch statuses of `other` (another fake instance), as federation would. */
  federateWith(other: FakeMastodon): void;
  openStreams(tag?: string): number;
  push(input: StatusInput): FakeStatus;
  edit(id: string, content: string): FakeStatus;
  remove(id: string): void;
  /** Writes text as it is to every open stream of `tag` (or all): malformed frames. */
  sendRaw(text: string, tag?: string): void;
  heartbeat(): void;
  dropStreams(): void;
  refuseStreams(status: number | null): void;
  silence(silent: boolean): void;
  waitForStreams(n: number): Promise<void>;
  close(): Promise<void>;
}

interface Stream {
  tag: string;
  res: ServerResponse;
}

export async function startFakeMastodon(options: { token?: string; heartbeatMs?: number } = {}): Promise<FakeMastodon> {
  const token = options.token ?? 'fake-user-token';
  const streams = new Set<Stream>();
  const sockets = new Set<Socket>();
  const idempotent = new Map<string, FakeStatus>();
  const peers: FakeMastodon[] = [];
  let next = 110_000_000_000_000_000n;
  let refuse: number | null = null;
  let silent = false;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const heartbeat = setInterval(() => fake.heartbeat(), options.heartbeatMs ?? 15_000);

  const fake: FakeMastodon = {
    url: base,
    token,
    statuses: [],
    posted: [],
    streamRequests: 0,
    streamConnections: 0,
    timelineRequests: [],
    searchRequests: [],
    federateWith: (other) => void peers.push(other),
    openStreams: (tag) => [...streams].filter((s) => !tag || s.tag === tag).length,
    push(input) {
      const status = makeStatus(input);
      fake.statuses.push(status);
      broadcast(status.tags.map((t) => t.name), 'update', JSON.stringify(status));
      return status;
    },
    edit(id, content) {
      const status = fake.statuses.find((s) => s.id === id);
      if (!status) throw new Error(`no status ${id}`);
      status.content = content;
      status.edited_at = new Date().toISOString();
      broadcast(status.tags.map((t) => t.name), 'status.update', JSON.stringify(status));
      return status;
    },
    remove(id) {
      const i = fake.statuses.findIndex((s) => s.id === id);
      if (i === -1) throw new Error(`no status ${id}`);
      const [status] = fake.statuses.splice(i, 1);
      broadcast(status!.tags.map((t) => t.name), 'delete', id);
    },
    sendRaw(text, tag) {
      for (const s of streams) if (!tag || s.tag === tag) s.res.write(text);
    },
    heartbeat() {
      if (!silent) for (const s of streams) s.res.write(':thump\n\n');
    },
    dropStreams() {
      for (const s of streams) s.res.socket?.destroy();
      streams.clear();
    },
    refuseStreams: (status) => (refuse = status),
    silence: (s) => (silent = s),
    waitForStreams: (n) => (streams.size >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    async close() {
      clearInterval(heartbeat);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function makeStatus(input: StatusInput): FakeStatus {
    const id = String(next++);
    const account = { id: '1', username: 'alice', acct: 'alice', display_name: 'Alice', followers_count: 10, ...input.account };
    const { tags, account: _a, ...rest } = input;
    return {
      id,
      created_at: new Date().toISOString(),
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      visibility: 'public',
      language: 'en',
      uri: `${base}/users/${account.username}/statuses/${id}`,
      url: `${base}/@${account.username}/${id}`,
      spoiler_text: '',
      reblog: null,
      mentions: [],
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      edited_at: null,
      ...rest,
      account,
      tags: tags.map((name) => ({ name: name.toLowerCase(), url: `${base}/tags/${name.toLowerCase()}` })),
    };
  }

  function broadcast(tags: string[], event: string, data: string): void {
    if (silent) return;
    for (const s of streams) if (tags.includes(s.tag)) s.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  function authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${token}`;
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname;
    if (req.method === 'GET' && path === '/api/v1/streaming/hashtag') return stream(req, res, url);
    if (req.method === 'GET' && path.startsWith('/api/v1/timelines/tag/')) {
      // Hashtag timelines are public by default, but a token that is sent must be valid.
      if (req.headers.authorization && !authorized(req)) return json(res, 401, { error: 'The access token is invalid' });
      fake.timelineRequests.push(url.searchParams);
      return timeline(res, decodeURIComponent(path.slice('/api/v1/timelines/tag/'.length)).toLowerCase(), url);
    }
    if (req.method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      if (!authorized(req)) return json(res, 401, { error: 'The access token is invalid' });
      return json(res, 200, { id: '1', username: 'earshot', acct: 'earshot', display_name: 'Earshot' });
    }
    if (req.method === 'GET' && path === '/api/v2/search') return search(req, res, url);
    if (req.method === 'POST' && path === '/api/v1/statuses') {
      if (!authorized(req)) return json(res, 401, { error: 'The access token is invalid' });
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown>;
      try {
        body = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        return json(res, 422, { error: 'Validation failed: malformed body' });
      }
      if (typeof body.status !== 'string' || body.status.trim() === '') return json(res, 422, { error: "Validation failed: Text can't be blank" });
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const seen = key ? idempotent.get(key) : undefined;
      if (seen) return json(res, 200, seen);
      const escaped = body.status.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      const status = makeStatus({
        content: `<p>${escaped}</p>`,
        tags: [],
        in_reply_to_id: typeof body.in_reply_to_id === 'string' ? body.in_reply_to_id : null,
        account: { id: '999', username: 'earshot', acct: 'earshot', display_name: 'Earshot' },
      });
      if (key) idempotent.set(key, status);
      fake.posted.push({ status, idempotencyKey: key, body });
      return json(res, 200, status);
    }
    json(res, 404, { error: 'Record not found' });
  }

  function search(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.headers.authorization && !authorized(req)) return json(res, 401, { error: 'The access token is invalid' });
    fake.searchRequests.push(url.searchParams);
    const q = url.searchParams.get('q') ?? '';
    const found = (list: FakeStatus[]) => list.find((s) => s.url === q || s.uri === q);
    let status = found(fake.statuses);
    // Resolving fetches a remote status, for signed-in users only, and stores it under a local id.
    if (!status && url.searchParams.get('resolve') === 'true' && authorized(req)) {
      const remote = peers.map((p) => found(p.statuses)).find(Boolean);
      if (remote) {
        status = { ...remote, id: String(next++), account: { ...remote.account, id: `remote-${remote.account.id}` } };
        fake.statuses.push(status);
      }
    }
    json(res, 200, { accounts: [], statuses: status ? [status] : [], hashtags: [] });
  }

  function stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    fake.streamRequests++;
    if (!authorized(req)) return json(res, 401, { error: 'Error: Missing access token' });
    const tag = (url.searchParams.get('tag') ?? '').toLowerCase();
    if (!tag) return json(res, 400, { error: 'No tag for stream provided' });
    if (refuse !== null) return json(res, refuse, { error: 'unavailable' });
    fake.streamConnections++;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(':)\n');
    const entry = { tag, res };
    streams.add(entry);
    req.on('close', () => streams.delete(entry));
    for (const w of waiters.splice(0)) {
      if (streams.size >= w.n) w.resolve();
      else waiters.push(w);
    }
  }

  function timeline(res: ServerResponse, tag: string, url: URL): void {
    const limit = Math.min(40, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
    const maxId = url.searchParams.get('max_id');
    const sinceId = url.searchParams.get('since_id');
    const minId = url.searchParams.get('min_id');
    let list = fake.statuses.filter((s) => s.tags.some((t) => t.name === tag) && s.visibility === 'public');
    const big = (v: string) => BigInt(v);
    if (maxId) list = list.filter((s) => big(s.id) < big(maxId));
    if (sinceId) list = list.filter((s) => big(s.id) > big(sinceId));
    if (minId) {
      // min_id pages forward: the statuses right after min_id (oldest first), returned newest first.
      list = list.filter((s) => big(s.id) > big(minId)).sort((a, b) => (big(a.id) < big(b.id) ? -1 : 1)).slice(0, limit);
    } else {
      list = list.sort((a, b) => (big(a.id) > big(b.id) ? -1 : 1)).slice(0, limit);
    }
    list.sort((a, b) => (big(a.id) > big(b.id) ? -1 : 1));
    const links: string[] = [];
    const page = `${base}/api/v1/timelines/tag/${encodeURIComponent(tag)}`;
    if (list.length) {
      links.push(`<${page}?max_id=${list.at(-1)!.id}>; rel="next"`, `<${page}?min_id=${list[0]!.id}>; rel="prev"`);
    }
    json(res, 200, list, links.length ? { link: links.join(', ') } : {});
  }

  return fake;
}

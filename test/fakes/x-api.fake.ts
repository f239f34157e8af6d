/**
 * A faithful local fake of the X API v2 endpoints Earshot uses, on 127.0.0.1 (random port), built
 * from ../shared/reference/x-api-and-feeds.md: recent search (since_id, next_token, newest first,
 * `{meta:{result_count:0}}` when empty), the filtered stream (chunked JSON + CRLF, heartbeats, one
 * connection per app, 409 without rules), stream rules, POST /2/tweets, rate-limit headers on every
 * response and problem-JSON errors. Tests steer it: add posts, fail the next requests, set the rate
 * window, push/garble/drop stream messages, refuse connections; it logs every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeRoute = 'search' | 'stream' | 'rules' | 'post';

export interface FakeUser {
  id: string;
  username: string;
  name: string;
  followers?: number;
}

export interface FakeTweet {
  id: string;
  text: string;
  authorId: string;
  createdAt: Date;
  lang: string;
  conversationId: string;
  inReplyToUserId?: string;
  referenced?: Array<{ type: 'retweeted' | 'quoted' | 'replied_to'; id: string }>;
  metrics: { retweet_count: number; reply_count: number; like_count: number; quote_count: number; bookmark_count: number; impression_count: number };
}

export type FakeTweetInput = Partial<Omit<FakeTweet, 'authorId'>> & { text: string; author?: string | FakeUser };

export interface FakeFailure {
  status: number;
  /** JSON body (sent as application/problem+json unless contentType says otherwise). */
  body?: unknown;
  /** Raw body, sent as it is (e.g. an HTML 503 page or truncated JSON). */
  raw?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

export interface RateWindow {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export interface LoggedRequest {
  route: FakeRoute | 'other';
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** From the fake's clock (the test's clock when given). */
  at: Date;
}

export interface PostedTweet {
  id: string;
  text: string;
  inReplyToTweetId: string | null;
  /** 'bearer' or 'oauth' (the scheme of the Authorization header). */
  auth: string;
  body: unknown;
}

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

/** How the stream endpoint treats new connections, for reconnect tests. */
export type StreamRefusal = { mode: 'status'; status: number; body?: unknown } | { mode: 'accept-then-close' };

export interface FakeXOptions {
  /** The clock for rate windows and the request log; defaults to real time. */
  now?: () => Date;
  /** Interval of the bare CRLF keep-alive on the stream (X: 20 s). */
  heartbeatMs?: number;
  /** When set, reads must carry `Authorization: Bearer <this>`, else 401. */
  requireBearer?: string | null;
  /** Length of a rate window in seconds (X: 15 minutes). */
  rateWindowSeconds?: number;
  rateLimit?: number;
}

export const problems = {
  unauthorized: (): FakeFailure => ({ status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } }),
  forbidden: (): FakeFailure => ({
    status: 403,
    body: { title: 'Client Forbidden', detail: 'This request must be made using an approved developer account that is enrolled in the requested endpoint.', reason: 'client-not-enrolled', type: 'https://api.x.com/2/problems/client-forbidden', registration_url: 'https://developer.x.com/en/portal/product' },
  }),
  rateLimited: (reset: number, limit = 450): FakeFailure => ({
    status: 429,
    body: { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' },
    headers: { 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
  }),
  usageCapped: (): FakeFailure => ({
    status: 429,
    body: { title: 'UsageCapExceeded', detail: 'Usage cap exceeded: Monthly product cap', type: 'https://api.x.com/2/problems/usage-capped', period: 'Monthly', scope: 'Product' },
  }),
  unavailableHtml: (): FakeFailure => ({ status: 503, raw: '<html><body><h1>Service Unavailable</h1></body></html>', contentType: 'text/html' }),
  unavailable: (): FakeFailure => ({ status: 503, body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 } }),
};

export interface FakeXApi {
  /** `http://127.0.0.1:<port>`: pass as the source's `apiBase`. */
  origin: string;
  readonly users: Map<string, FakeUser>;
  readonly tweets: Map<string, FakeTweet>;
  readonly requests: LoggedRequest[];
  /** Every POST /2/tweets that succeeded, in order. */
  readonly posted: PostedTweet[];
  readonly rules: StreamRule[];
  requireBearer: string | null;
  /** Adds users (by handle, or full) and returns them. */
  addUser(user: string | FakeUser): FakeUser;
  /** Adds posts with increasing ids (newest last); each is also delivered to an open stream whose rules match. */
  addPosts(...posts: FakeTweetInput[]): FakeTweet[];
  /** Answers the next `times` requests to `route` with `failure`. */
  failNext(route: FakeRoute, failure: FakeFailure, times?: number): void;
  /** Sets the rate window of a route (each request spends one; at 0 the route answers 429 until the reset). */
  setRate(route: FakeRoute, window: Partial<RateWindow>): void;
  rate(route: FakeRoute): RateWindow;
  /** Requests seen on a route (all statuses). */
  count(route: FakeRoute, status?: number): number;
  stream: {
    /** Open stream connections (0 or 1 unless tests allow more). */
    readonly connections: number;
    /** Connection attempts seen, accepted or not. */
    readonly attempts: number;
    /** Sends one message object (JSON + CRLF) to every open connection. */
    push(message: unknown): void;
    /** Writes raw bytes (malformed lines, LF-only delimiters, split messages). */
    raw(chunk: string): void;
    /** Destroys every open connection's socket. */
    drop(): void;
    /** Ends every connection cleanly from the server side. */
    end(): void;
    /** Refuse new connections (a status, or accept with 200 and close at once); null accepts again. */
    refuse(refusal: StreamRefusal | null): void;
    /** Stops (true) or resumes (false) the heartbeat, to provoke a keep-alive timeout. */
    stallHeartbeats(stalled: boolean): void;
    /** Resolves when `n` connections are open. */
    waitForConnections(n?: number): Promise<void>;
  };
  close(): Promise<void>;
}

const ALL_TWEET_FIELDS = ['created_at', 'author_id', 'lang', 'public_metrics', 'referenced_tweets', 'conversation_id', 'in_reply_to_user_id'];

export async function startFakeXApi(options: FakeXOptions = {}): Promise<FakeXApi> {
  const now = options.now ?? (() => new Date());
  const windowSeconds = options.rateWindowSeconds ?? 900;
  const users = new Map<string, FakeUser>();
  const byHandle = new Map<string, FakeUser>();
  const tweets = new Map<string, FakeTweet>();
  const requests: LoggedRequest[] = [];
  const posted: PostedTweet[] = [];
  const rules: StreamRule[] = [];
  const failures = new Map<FakeRoute, Array<FakeFailure>>();
  const rates = new Map<FakeRoute, RateWindow>();
  const connections = new Set<ServerResponse>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  let nextId = 1_800_000_000_000_000_000n;
  let nextRuleId = 1_900_000_000_000_000_000n;
  let refusal: StreamRefusal | null = null;
  let heartbeatsStalled = false;
  let attempts = 0;

  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const rateOf = (route: FakeRoute): RateWindow => {
    let w = rates.get(route);
    if (!w || nowSeconds() >= w.reset) {
      const limit = w?.limit ?? options.rateLimit ?? 450;
      w = { limit, remaining: limit, reset: nowSeconds() + windowSeconds };
      rates.set(route, w);
    }
    return w;
  };

  const api: FakeXApi = {
    origin: '',
    users,
    tweets,
    requests,
    posted,
    rules,
    requireBearer: options.requireBearer ?? null,
    addUser(user) {
      const u = typeof user === 'string' ? byHandle.get(user.toLowerCase()) ?? { id: String(1000 + users.size), username: user, name: user.replace(/^\w/, (c) => c.toUpperCase()) } : user;
      users.set(u.id, u);
      byHandle.set(u.username.toLowerCase(), u);
      return u;
    },
    addPosts(...inputs) {
      const added = inputs.map((input) => {
        const author = api.addUser(input.author ?? 'someone');
        const id = input.id ?? String(nextId++);
        if (BigInt(id) >= nextId) nextId = BigInt(id) + 1n;
        const tweet: FakeTweet = {
          id,
          text: input.text,
          authorId: author.id,
          createdAt: input.createdAt ?? now(),
          lang: input.lang ?? 'en',
          conversationId: input.conversationId ?? id,
          inReplyToUserId: input.inReplyToUserId,
          referenced: input.referenced,
          metrics: input.metrics ?? { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
        };
        tweets.set(id, tweet);
        return tweet;
      });
      for (const t of added) {
        const matching = rules.filter((r) => matches(r.value, t, users.get(t.authorId)!)).map((r) => ({ id: r.id, tag: r.tag ?? '' }));
        if (matching.length > 0) api.stream.push({ data: render(t, ALL_TWEET_FIELDS), includes: { users: [renderUser(users.get(t.authorId)!)] }, matching_rules: matching });
      }
      return added;
    },
    failNext(route, failure, times = 1) {
      const list = failures.get(route) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(route, list);
    },
    setRate(route, window) {
      const current = rateOf(route);
      rates.set(route, { ...current, ...window });
    },
    rate: (route) => ({ ...rateOf(route) }),
    count: (route, status) => requests.filter((r) => r.route === route && (status === undefined || r.status === status)).length,
    stream: {
      get connections() {
        return connections.size;
      },
      get attempts() {
        return attempts;
      },
      push(message) {
        api.stream.raw(JSON.stringify(message) + '\r\n');
      },
      raw(chunk) {
        for (const res of connections) res.write(chunk);
      },
      drop() {
        for (const res of connections) res.socket?.destroy();
        connections.clear();
      },
      end() {
        for (const res of connections) res.end();
        connections.clear();
      },
      refuse(r) {
        refusal = r;
      },
      stallHeartbeats(stalled) {
        heartbeatsStalled = stalled;
      },
      waitForConnections(n = 1) {
        if (connections.size >= n) return Promise.resolve();
        return new Promise((resolve) => waiters.push({ n, resolve }));
      },
    },
    close: () =>
      new Promise((resolve) => {
        clearInterval(heartbeat);
        for (const res of connections) res.socket?.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const heartbeat = setInterval(() => {
    if (!heartbeatsStalled) for (const res of connections) res.write('\r\n');
  }, options.heartbeatMs ?? 20_000);
  heartbeat.unref();

  function send(req: IncomingMessage, res: ServerResponse, log: LoggedRequest, status: number, body: unknown, extra: { headers?: Record<string, string>; raw?: string; contentType?: string; rate?: RateWindow } = {}): void {
    log.status = status;
    const rate = extra.rate;
    const headers: Record<string, string> = {
      'content-type': extra.contentType ?? (status >= 400 && extra.raw === undefined ? 'application/problem+json' : 'application/json; charset=utf-8'),
      ...(rate ? { 'x-rate-limit-limit': String(rate.limit), 'x-rate-limit-remaining': String(rate.remaining), 'x-rate-limit-reset': String(rate.reset) } : {}),
      ...extra.headers,
    };
    res.writeHead(status, headers).end(extra.raw ?? JSON.stringify(body));
  }

  /** Spends one request of the route's window; false (and a 429 sent) when the window is empty. */
  function spend(req: IncomingMessage, res: ServerResponse, log: LoggedRequest, route: FakeRoute): RateWindow | null {
    const w = rateOf(route);
    if (w.remaining <= 0) {
      const f = problems.rateLimited(w.reset, w.limit);
      send(req, res, log, 429, f.body, { rate: w });
      return null;
    }
    w.remaining--;
    return w;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const route = routeOf(req.method ?? 'GET', url.pathname);
      const log: LoggedRequest = { route, method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, at: now() };
      requests.push(log);
      if (route === 'other') return send(req, res, log, 404, { title: 'Not Found Error', detail: `no route ${url.pathname}`, type: 'https://api.x.com/2/problems/resource-not-found' });
      if (route === 'stream') attempts++;
      const auth = req.headers.authorization ?? '';
      const bearerOk = !api.requireBearer || auth === `Bearer ${api.requireBearer}`;
      const authOk = route === 'post' ? auth !== '' && (!auth.startsWith('Bearer ') || bearerOk) : bearerOk;
      if (!authOk) {
        const f = problems.unauthorized();
        return send(req, res, log, 401, f.body);
      }
      const failure = failures.get(route)?.shift();
      if (failure) return send(req, res, log, failure.status, failure.body, { headers: failure.headers, raw: failure.raw, contentType: failure.contentType, rate: failure.headers ? undefined : rateOf(route) });
      const rate = spend(req, res, log, route);
      if (!rate) return;
      const body = Buffer.concat(chunks).toString('utf8');
      if (route === 'search') return search(req, res, log, url.searchParams, rate);
      if (route === 'rules') return handleRules(req, res, log, url.searchParams, body, rate);
      if (route === 'post') return postTweet(req, res, log, body, auth, rate);
      return openStream(req, res, log, rate);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function search(req: IncomingMessage, res: ServerResponse, log: LoggedRequest, params: URLSearchParams, rate: RateWindow): void {
    const query = params.get('query') ?? '';
    const max = Number(params.get('max_results') ?? '10');
    const invalid = (message: string, parameter: string) =>
      send(req, res, log, 400, { errors: [{ parameters: { [parameter]: [params.get(parameter) ?? ''] }, message }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.x.com/2/problems/invalid-request' }, { rate });
    if (!query) return invalid('The `query` query parameter can not be empty', 'query');
    if (query.length > 512) return invalid(`The \`query\` query parameter value [${query.slice(0, 20)}…] is not valid: query length exceeds 512`, 'query');
    if (!Number.isInteger(max) || max < 10 || max > 100) return invalid(`The \`max_results\` query parameter value [${params.get('max_results')}] is not between 10 and 100`, 'max_results');
    const since = params.get('since_id');
    const token = params.get('next_token');
    const before = token ? decodeToken(token) : null;
    if (token && before === null) return invalid('The `next_token` query parameter value is not valid', 'next_token');
    const hits = [...tweets.values()]
      .filter((t) => (since === null || BigInt(t.id) > BigInt(since)) && (before === null || BigInt(t.id) < before) && matches(query, t, users.get(t.authorId)!))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const page = hits.slice(0, max);
    if (page.length === 0) return send(req, res, log, 200, { meta: { result_count: 0 } }, { rate });
    const fields = (params.get('tweet.fields') ?? '').split(',').filter(Boolean);
    const expansions = (params.get('expansions') ?? '').split(',');
    const body: Record<string, unknown> = { data: page.map((t) => render(t, fields)) };
    if (expansions.includes('author_id')) {
      const authors = [...new Set(page.map((t) => t.authorId))].map((id) => renderUser(users.get(id)!));
      body.includes = { users: authors };
    }
    const meta: Record<string, unknown> = { newest_id: page[0]!.id, oldest_id: page[page.length - 1]!.id, result_count: page.length };
    if (hits.length > page.length) meta.next_token = encodeToken(BigInt(page[page.length - 1]!.id));
    body.meta = meta;
    send(req, res, log, 200, body, { rate });
  }

  function handleRules(req: IncomingMessage, res: ServerResponse, log: LoggedRequest, params: URLSearchParams, body: string, rate: RateWindow): void {
    const sent = now().toISOString();
    if (req.method === 'GET') {
      if (rules.length === 0) return send(req, res, log, 200, { meta: { sent, result_count: 0 } }, { rate });
      return send(req, res, log, 200, { data: rules.map((r) => ({ ...r })), meta: { sent, result_count: rules.length } }, { rate });
    }
    const dryRun = params.get('dry_run') === 'true';
    let parsed: { add?: Array<{ value: string; tag?: string }>; delete?: { ids?: string[]; values?: string[] } };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return send(req, res, log, 400, { title: 'Invalid Request', detail: 'The request body is not valid JSON.', type: 'https://api.x.com/2/problems/invalid-request' }, { rate });
    }
    if (params.get('delete_all') === 'true' || parsed.delete) {
      const ids = params.get('delete_all') === 'true' ? rules.map((r) => r.id) : parsed.delete?.ids ?? [];
      const values = parsed.delete?.values ?? [];
      let deleted = 0;
      for (const id of ids) {
        const i = rules.findIndex((r) => r.id === id);
        if (i >= 0) {
          if (!dryRun) rules.splice(i, 1);
          deleted++;
        }
      }
      for (const v of values) {
        const i = rules.findIndex((r) => r.value === v);
        if (i >= 0) {
          if (!dryRun) rules.splice(i, 1);
          deleted++;
        }
      }
      return send(req, res, log, 200, { meta: { sent, summary: { deleted, not_deleted: ids.length + values.length - deleted } } }, { rate });
    }
    const created: StreamRule[] = [];
    const errors: unknown[] = [];
    for (const add of parsed.add ?? []) {
      if (add.value.length > 1024) {
        errors.push({ value: add.value, details: ['Rule exceeds maximum length of 1024'], title: 'UnprocessableEntity', type: 'https://api.x.com/2/problems/invalid-rules' });
        continue;
      }
      const existing = rules.find((r) => r.value === add.value);
      if (existing) {
        errors.push({ value: add.value, id: existing.id, title: 'DuplicateRule', type: 'https://api.x.com/2/problems/duplicate-rules' });
        continue;
      }
      const rule: StreamRule = { id: String(nextRuleId++), value: add.value, ...(add.tag ? { tag: add.tag } : {}) };
      created.push(rule);
    }
    if (!dryRun) rules.push(...created);
    const out: Record<string, unknown> = {
      meta: { sent, summary: { created: created.length, not_created: errors.length, valid: created.length, invalid: errors.length } },
    };
    if (created.length) out.data = created.map((r) => ({ value: r.value, tag: r.tag, id: r.id }));
    if (errors.length) out.errors = errors;
    send(req, res, log, 201, out, { rate });
  }

  function postTweet(req: IncomingMessage, res: ServerResponse, log: LoggedRequest, body: string, auth: string, rate: RateWindow): void {
    let parsed: { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return send(req, res, log, 400, { title: 'Invalid Request', detail: 'The request body is not valid JSON.', type: 'https://api.x.com/2/problems/invalid-request' }, { rate });
    }
    const text = typeof parsed.text === 'string' ? parsed.text : '';
    if (!text || [...text].length > 280) {
      return send(req, res, log, 400, { errors: [{ message: 'text must be 1 to 280 characters' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.x.com/2/problems/invalid-request' }, { rate });
    }
    if (posted.some((p) => p.text === text)) {
      return send(req, res, log, 403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 }, { rate });
    }
    const replyTo = typeof parsed.reply?.in_reply_to_tweet_id === 'string' ? parsed.reply.in_reply_to_tweet_id : null;
    if (replyTo && !tweets.has(replyTo)) {
      return send(req, res, log, 400, { errors: [{ parameters: { 'reply.in_reply_to_tweet_id': [replyTo] }, message: 'The Tweet you are replying to does not exist or is not visible.' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.x.com/2/problems/invalid-request' }, { rate });
    }
    const id = String(nextId++);
    posted.push({ id, text, inReplyToTweetId: replyTo, auth: auth.split(' ')[0]!.toLowerCase(), body: parsed });
    send(req, res, log, 201, { data: { id, text, edit_history_tweet_ids: [id] } }, { rate });
  }

  function openStream(req: IncomingMessage, res: ServerResponse, log: LoggedRequest, rate: RateWindow): void {
    if (refusal?.mode === 'status') {
      return send(req, res, log, refusal.status, refusal.body ?? (refusal.status === 503 ? problems.unavailable().body : { title: 'Error', status: refusal.status }), { rate });
    }
    if (rules.length === 0) {
      return send(req, res, log, 409, { title: 'ConnectionException', detail: 'Request must have at least one rule to connect to the stream.', type: 'https://api.x.com/2/problems/streaming-connection', status: 409 }, { rate });
    }
    if (connections.size > 0) {
      return send(req, res, log, 429, { title: 'ConnectionException', detail: 'This stream is currently at the maximum allowed connection limit.', connection_issue: 'TooManyConnections', type: 'https://api.x.com/2/problems/streaming-connection' }, { rate });
    }
    log.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', 'x-rate-limit-limit': String(rate.limit), 'x-rate-limit-remaining': String(rate.remaining), 'x-rate-limit-reset': String(rate.reset) });
    if (refusal?.mode === 'accept-then-close') {
      res.end();
      return;
    }
    res.flushHeaders();
    connections.add(res);
    res.on('close', () => connections.delete(res));
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (connections.size >= waiters[i]!.n) waiters.splice(i, 1)[0]!.resolve();
    }
  }

  function render(t: FakeTweet, fields: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] };
    if (fields.includes('author_id')) out.author_id = t.authorId;
    if (fields.includes('created_at')) out.created_at = t.createdAt.toISOString();
    if (fields.includes('lang')) out.lang = t.lang;
    if (fields.includes('conversation_id')) out.conversation_id = t.conversationId;
    if (fields.includes('in_reply_to_user_id') && t.inReplyToUserId) out.in_reply_to_user_id = t.inReplyToUserId;
    if (fields.includes('referenced_tweets') && t.referenced?.length) out.referenced_tweets = t.referenced;
    if (fields.includes('public_metrics')) out.public_metrics = t.metrics;
    return out;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

function renderUser(u: FakeUser): Record<string, unknown> {
  return { id: u.id, name: u.name, username: u.username, ...(u.followers !== undefined ? { public_metrics: { followers_count: u.followers, following_count: 0, tweet_count: 0, listed_count: 0 } } : {}) };
}

function routeOf(method: string, path: string): FakeRoute | 'other' {
  if (method === 'GET' && path === '/2/tweets/search/recent') return 'search';
  if (method === 'GET' && path === '/2/tweets/search/stream') return 'stream';
  if ((method === 'GET' || method === 'POST') && path === '/2/tweets/search/stream/rules') return 'rules';
  if (method === 'POST' && path === '/2/tweets') return 'post';
  return 'other';
}

// Opaque to the client, like X's; it encodes the oldest id returned so far, so it stays valid.
const encodeToken = (id: bigint) => Buffer.from(`before:${id}`).toString('base64url');
function decodeToken(token: string): bigint | null {
  const m = /^before:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? BigInt(m[1]!) : null;
}

/**
 * A small evaluator of X's query syntax (the part Earshot compiles to): words, "phrases", #tags,
 * @mentions, from:, lang:, -negation, OR, parentheses and implicit AND. Case-insensitive.
 */
export function matches(query: string, tweet: Pick<FakeTweet, 'text' | 'lang'>, author: Pick<FakeUser, 'username'>): boolean {
  const tokens = [...query.matchAll(/"[^"]*"|\(|\)|-?[^\s()"]+|-(?="[^"]*")/g)].map((m) => m[0]);
  const words = tweet.text.toLowerCase().split(/[^\p{L}\p{N}_#@']+/u).filter(Boolean);
  const plain = words.map((w) => w.replace(/^[#@]/, ''));
  let i = 0;
  const term = (raw: string): boolean => {
    const t = raw.toLowerCase();
    if (t.startsWith('"')) {
      const phrase = t.slice(1, -1).split(/[^\p{L}\p{N}_']+/u).filter(Boolean);
      if (phrase.length === 0) return true;
      return plain.some((_, k) => phrase.every((p, j) => plain[k + j] === p));
    }
    if (t.startsWith('from:')) return author.username.toLowerCase() === t.slice(5).replace(/^@/, '');
    if (t.startsWith('lang:')) return tweet.lang.toLowerCase() === t.slice(5);
    if (t.startsWith('#') || t.startsWith('@')) return words.includes(t);
    return plain.includes(t.replace(/[^\p{L}\p{N}_']/gu, '')) || words.includes(t);
  };
  const primary = (): boolean => {
    const t = tokens[i++];
    if (t === undefined) return true;
    if (t === '-') return !primary();
    if (t.startsWith('-') && t.length > 1) return !term(t.slice(1));
    if (t === '(') {
      const v = or();
      i++; // ')'
      return v;
    }
    return term(t);
  };
  const and = (): boolean => {
    let v = primary();
    while (i < tokens.length && tokens[i] !== ')' && tokens[i] !== 'OR') v = primary() && v;
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === 'OR') {
      i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}

/**
 * A local fake of a Bluesky PDS's XRPC endpoints that replying uses, on 127.0.0.1 (random port):
 * com.atproto.server.createSession (identifier + app password → did, handle, accessJwt),
 * com.atproto.repo.getRecord (400 RecordNotFound when absent), com.atproto.repo.createRecord
 * (client-chosen rkey, refused when taken; app.bsky.feed.post checked: 300 graphemes, reply refs
 * with uri and cid; facets must lie inside the text's UTF-8 bytes and name a feature), and
 * com.atproto.identity.resolveHandle (handles registered with `addHandle`, and the account's own).
 * Errors are XRPC's `{error, message}`. Tests steer it: fail the next requests,
 * expire the token, or store a record and then drop the connection before answering (the post
 * landed, the answer was lost).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type PdsRoute = 'createSession' | 'getRecord' | 'createRecord' | 'resolveHandle';

export interface PdsFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Store the record (createRecord), then destroy the socket without an answer. */
  dropAfterCommit?: boolean;
  /** Destroy the socket before doing anything. */
  drop?: boolean;
}

export interface StoredRecord {
  uri: string;
  cid: string;
  value: Record<string, unknown>;
}

export interface FakePds {
  origin: string;
  /** The account replies are posted from. */
  readonly account: { did: string; handle: string; password: string };
  readonly records: Map<string, StoredRecord>;
  /** Records created through createRecord, in order. */
  readonly created: StoredRecord[];
  /** Adds a post by someone else (the one replied to); returns its record. */
  addPost(author: string, text: string, reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } }): StoredRecord;
  /** Makes `handle` resolve to `did`. */
  addHandle(handle: string, did: string): void;
  failNext(route: PdsRoute, failure: PdsFailure, times?: number): void;
  /** The next authenticated request answers 400 ExpiredToken (once). */
  expireToken(): void;
  count(route: PdsRoute): number;
  close(): Promise<void>;
}

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (s: string) => [...segmenter.segment(s)].length;
const cidOf = (value: unknown) => `bafyrei${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 52)}`;

export async function startFakePds(options: { handle?: string; password?: string } = {}): Promise<FakePds> {
  const account = { did: `did:plc:${randomBytes(12).toString('hex').slice(0, 24)}`, handle: options.handle ?? 'acme-support.bsky.social', password: options.password ?? 'app-pass-word-1234' };
  const records = new Map<string, StoredRecord>();
  const created: StoredRecord[] = [];
  const failures = new Map<PdsRoute, Array<PdsFailure>>();
  const counts: Record<PdsRoute, number> = { createSession: 0, getRecord: 0, createRecord: 0, resolveHandle: 0 };
  const handles = new Map<string, string>([[account.handle, account.did]]);
  const tokens = new Set<string>();
  let expireNext = false;
  let rkeySeq = 0;
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'ratelimit-limit': '5000', 'ratelimit-remaining': '4999', ...headers }).end(JSON.stringify(body));
  };
  const xrpcError = (res: ServerResponse, status: number, error: string, message: string) => send(res, status, { error, message });

  const store = (repo: string, collection: string, rkey: string, value: Record<string, unknown>): StoredRecord => {
    const rec = { uri: `at://${repo}/${collection}/${rkey}`, cid: cidOf(value), value };
    records.set(rec.uri, rec);
    return rec;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const nsid = url.pathname.replace(/^\/xrpc\//, '');
    const nsids: Record<PdsRoute, string> = { createSession: 'com.atproto.server.createSession', getRecord: 'com.atproto.repo.getRecord', createRecord: 'com.atproto.repo.createRecord', resolveHandle: 'com.atproto.identity.resolveHandle' };
    const route = (Object.keys(nsids) as PdsRoute[]).find((r) => nsids[r] === nsid);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!route) return xrpcError(res, 501, 'MethodNotImplemented', `Method Not Implemented: ${nsid}`);
    counts[route]++;
    const expectMethod = route === 'getRecord' || route === 'resolveHandle' ? 'GET' : 'POST';
    if (req.method !== expectMethod) return xrpcError(res, 400, 'InvalidRequest', `Incorrect HTTP method (${req.method}) expected ${expectMethod}`);
    let body: Record<string, unknown> = {};
    if (expectMethod === 'POST') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return xrpcError(res, 400, 'InvalidRequest', 'Request encoding (Content-Type) required but not provided');
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return xrpcError(res, 400, 'InvalidRequest', 'Unable to parse request body');
      }
    }
    const failure = failures.get(route)?.shift();
    if (failure?.drop) return req.socket.destroy();
    if (failure && !failure.dropAfterCommit) return send(res, failure.status, failure.body ?? { error: 'InternalServerError', message: 'Internal Server Error' }, failure.headers);

    if (route === 'resolveHandle') {
      const did = handles.get((url.searchParams.get('handle') ?? '').toLowerCase());
      return did ? send(res, 200, { did }) : xrpcError(res, 400, 'InvalidRequest', 'Unable to resolve handle');
    }

    if (route === 'createSession') {
      if (body.identifier !== account.handle && body.identifier !== account.did) return xrpcError(res, 401, 'AuthenticationRequired', 'Invalid identifier or password');
      if (body.password !== account.password) return xrpcError(res, 401, 'AuthenticationRequired', 'Invalid identifier or password');
      const accessJwt = `eyJ.${randomBytes(16).toString('base64url')}`;
      tokens.add(accessJwt);
      return send(res, 200, { did: account.did, handle: account.handle, accessJwt, refreshJwt: `eyJ.${randomBytes(16).toString('base64url')}`, active: true });
    }

    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!tokens.has(token)) return xrpcError(res, 401, 'AuthenticationRequired', 'Authentication Required');
    if (expireNext) {
      expireNext = false;
      tokens.delete(token);
      return xrpcError(res, 400, 'ExpiredToken', 'Token has expired');
    }

    if (route === 'getRecord') {
      const repo = url.searchParams.get('repo');
      const collection = url.searchParams.get('collection');
      const rkey = url.searchParams.get('rkey');
      if (!repo || !collection || !rkey) return xrpcError(res, 400, 'InvalidRequest', 'Error: Params must have the properties "repo", "collection" and "rkey"');
      const did = repo === account.handle ? account.did : repo;
      const rec = records.get(`at://${did}/${collection}/${rkey}`);
      if (!rec) return xrpcError(res, 400, 'RecordNotFound', `Could not locate record: at://${did}/${collection}/${rkey}`);
      return send(res, 200, rec);
    }

    // createRecord
    const { repo, collection, rkey, record } = body as { repo?: string; collection?: string; rkey?: string; record?: Record<string, unknown> };
    if (repo !== account.did && repo !== account.handle) return xrpcError(res, 400, 'InvalidRequest', 'Invalid repo');
    if (collection !== 'app.bsky.feed.post' || !record || record.$type !== 'app.bsky.feed.post') return xrpcError(res, 400, 'InvalidRequest', 'Invalid record: expected app.bsky.feed.post');
    if (typeof record.text !== 'string' || typeof record.createdAt !== 'string') return xrpcError(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: Record must have the properties "text" and "createdAt"');
    if (graphemes(record.text) > 300) return xrpcError(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes');
    if (Buffer.byteLength(record.text) > 3000) return xrpcError(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 characters');
    const reply = record.reply as { root?: { uri?: string; cid?: string }; parent?: { uri?: string; cid?: string } } | undefined;
    if (reply && (!reply.root?.uri || !reply.root.cid || !reply.parent?.uri || !reply.parent.cid)) return xrpcError(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: Record/reply must have the properties "root" and "parent" with uri and cid');
    const textBytes = Buffer.byteLength(record.text);
    const facets = (record.facets ?? []) as Array<{ index?: { byteStart?: unknown; byteEnd?: unknown }; features?: Array<{ $type?: unknown; did?: unknown; uri?: unknown; tag?: unknown }> }>;
    for (const f of facets) {
      const { byteStart, byteEnd } = f.index ?? {};
      if (typeof byteStart !== 'number' || typeof byteEnd !== 'number' || byteStart < 0 || byteEnd > textBytes || byteStart >= byteEnd) return xrpcError(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: facet index out of the text');
      const ok = (f.features ?? []).length > 0 && (f.features ?? []).every((x) =>
        x.$type === 'app.bsky.richtext.facet#mention' ? typeof x.did === 'string' && x.did.startsWith('did:') :
        x.$type === 'app.bsky.richtext.facet#link' ? typeof x.uri === 'string' && URL.canParse(x.uri) :
        x.$type === 'app.bsky.richtext.facet#tag' ? typeof x.tag === 'string' && x.tag.length > 0 && x.tag.length <= 640 : false);
      if (!ok) return xrpcError(res, 400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: facet features must be a mention, link or tag');
    }
    if (rkey !== undefined && !TID.test(rkey)) return xrpcError(res, 400, 'InvalidRequest', 'Invalid record key: must be a TID');
    const key = rkey ?? `3kfake${String(++rkeySeq).padStart(7, '2')}`;
    if (records.has(`at://${account.did}/${collection}/${key}`)) return xrpcError(res, 400, 'InvalidRequest', `Record already exists: at://${account.did}/${collection}/${key}`);
    const rec = store(account.did, collection, key, record);
    created.push(rec);
    if (failure?.dropAfterCommit) return req.socket.destroy();
    return send(res, 200, { uri: rec.uri, cid: rec.cid, commit: { cid: cidOf(rec.uri), rev: key }, validationStatus: 'valid' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let postSeq = 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    account,
    records,
    created,
    addPost(author, text, reply) {
      const value = { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString(), ...(reply ? { reply } : {}) };
      return store(author, 'app.bsky.feed.post', `3kparent${String(++postSeq).padStart(5, '2')}`, value);
    },
    addHandle(h, did) {
      handles.set(h.toLowerCase(), did);
    },
    failNext(route, failure, times = 1) {
      const list = failures.get(route) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(route, list);
    },
    expireToken() {
      expireNext = true;
    },
    count: (route) => counts[route],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

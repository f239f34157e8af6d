/**
 * Replies on Bluesky through the account's PDS (XRPC): com.atproto.server.createSession with an
 * app password, com.atproto.repo.getRecord for the parent's cid and thread root, and
 * com.atproto.repo.createRecord of an app.bsky.feed.post with reply {root, parent}.
 *
 * Exactly once: the record key (rkey) is ours to choose. It is the reply's idempotency key, a TID
 * made when the send was claimed, so the post's address is known before the call. Reconciling is
 * then exact: getRecord of that rkey says posted or absent; and a second createRecord with the
 * same rkey cannot make a second post.
 *
 * Links, @mentions and #tags go out as facets (see analysis/replies/facets.ts); a mention's handle
 * is resolved to its DID with com.atproto.identity.resolveHandle, and one that does not resolve
 * stays plain text rather than stopping the reply.
 */
import type { Network } from '../analysis/replies/count';
import { findFacets } from '../analysis/replies/facets';
import { fetchJson, httpFailure, SendError, type OutgoingReply, type Posted, type Reconciled, type ReplySender } from './sender';

const S32 = '234567abcdefghijklmnopqrstuvwxyz';
const POST = 'app.bsky.feed.post';

/** The last TID's microseconds: keys made in one process only go forward, as atproto's own TID clock does. */
let lastMicros = 0n;

/**
 * A timestamp identifier (atproto TID): 53 bits of microseconds and 10 bits of clock id, base32-sortable.
 * A clock that only has milliseconds gets random microseconds, and a key made in the same microsecond
 * as (or before) the previous one moves one microsecond past it: two keys made in the same
 * millisecond, or under a test's frozen clock, always differ (random bits alone collided: 1,000 keys
 * in one millisecond share a key about 4 times in 10).
 */
export function newTid(now: Date, clockId = Math.floor(Math.random() * 1024), micros = Math.floor(Math.random() * 1000)): string {
  let us = BigInt(now.getTime()) * 1000n + BigInt(micros % 1000);
  if (us <= lastMicros) us = lastMicros + 1n;
  lastMicros = us;
  let n = (us << 10n) | BigInt(clockId & 1023);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = S32[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

interface Session {
  did: string;
  handle: string;
  accessJwt: string;
}

export interface BlueskyAccount {
  service: string;
  identifier: string;
  appPassword: string;
  timeoutMs?: number;
}

const parseAtUri = (uri: string) => {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m) throw new SendError('not_sent', null, `not a Bluesky post address: ${uri.slice(0, 100)}`);
  return { repo: m[1]!, collection: m[2]!, rkey: m[3]! };
};

export class BlueskySender implements ReplySender {
  readonly network: Network = 'bluesky';
  private session: Session | null = null;
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly account: BlueskyAccount) {
    this.base = account.service.replace(/\/+$/, '');
    this.timeoutMs = account.timeoutMs ?? 15_000;
  }

  newKey(now: Date): string {
    return newTid(now);
  }

  private async xrpc(method: 'GET' | 'POST', nsid: string, params: Record<string, unknown>, auth: boolean, retried = false): Promise<{ status: number; body: unknown; headers: Headers }> {
    const url = new URL(`${this.base}/xrpc/${nsid}`);
    if (method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method === 'POST') headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Bearer ${(await this.login()).accessJwt}`;
    const res = await fetchJson(url.toString(), { method, headers, body: method === 'POST' ? JSON.stringify(params) : undefined, timeoutMs: this.timeoutMs });
    // An expired access token: sign in again once and repeat (reads, or a write the PDS refused).
    if (auth && !retried && res.status === 400 && (res.body as { error?: string } | null)?.error === 'ExpiredToken') {
      this.session = null;
      return this.xrpc(method, nsid, params, auth, true);
    }
    return res;
  }

  private async login(): Promise<Session> {
    if (this.session) return this.session;
    const res = await this.xrpc('POST', 'com.atproto.server.createSession', { identifier: this.account.identifier, password: this.account.appPassword }, false);
    // Signing in posts nothing, so any failure here is a clean "not sent".
    if (res.status !== 200) throw new SendError('not_sent', res.status, httpFailure('Bluesky sign-in', res.status, res.body, res.headers).message);
    const b = res.body as Partial<Session>;
    if (!b.did || !b.accessJwt) throw new SendError('not_sent', res.status, 'Bluesky sign-in: no session in the answer');
    this.session = { did: b.did, handle: b.handle ?? b.did, accessJwt: b.accessJwt };
    return this.session;
  }

  private link(session: Session, rkey: string): string {
    return `https://bsky.app/profile/${session.handle}/post/${rkey}`;
  }

  async send(reply: OutgoingReply): Promise<Posted> {
    const session = await this.login();
    const parent = parseAtUri(reply.target.nativeId);
    const got = await this.xrpc('GET', 'com.atproto.repo.getRecord', { repo: parent.repo, collection: parent.collection, rkey: parent.rkey }, true);
    if (got.status !== 200) throw new SendError('not_sent', got.status, httpFailure('Bluesky: the post replied to', got.status, got.body, got.headers).message);
    const p = got.body as { uri: string; cid: string; value?: { reply?: { root?: { uri: string; cid: string } } } };
    const parentRef = { uri: p.uri, cid: p.cid };
    // A reply to a reply keeps the thread's root; a reply to a top-level post roots at it.
    const root = p.value?.reply?.root ?? parentRef;
    const facets = await this.facets(reply.text);
    const record = { $type: POST, text: reply.text, createdAt: reply.startedAt.toISOString(), langs: ['en'], reply: { root, parent: parentRef }, ...(facets.length ? { facets } : {}) };
    const res = await this.xrpc('POST', 'com.atproto.repo.createRecord', { repo: session.did, collection: POST, rkey: reply.idempotencyKey, record }, true);
    if (res.status === 200) {
      const b = res.body as { uri: string };
      return { id: b.uri, url: this.link(session, reply.idempotencyKey) };
    }
    // The rkey is taken: an earlier attempt of this very reply landed. Read it back.
    if (res.status === 400 || res.status === 409) {
      const again = await this.reconcile(reply);
      if (again.state === 'posted') return again.posted;
    }
    throw httpFailure('Bluesky', res.status, res.body, res.headers);
  }

  /** The text's links, mentions (those whose handle resolves) and tags, as app.bsky.richtext.facet. */
  private async facets(text: string): Promise<Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, string>> }>> {
    const out = [];
    const dids = new Map<string, string | null>();
    for (const f of findFacets(text)) {
      let feature: Record<string, string> | null = null;
      if (f.kind === 'link') feature = { $type: 'app.bsky.richtext.facet#link', uri: f.uri };
      else if (f.kind === 'tag') feature = { $type: 'app.bsky.richtext.facet#tag', tag: f.tag };
      else {
        if (!dids.has(f.handle)) dids.set(f.handle, await this.resolveHandle(f.handle));
        const did = dids.get(f.handle);
        if (did) feature = { $type: 'app.bsky.richtext.facet#mention', did };
      }
      if (feature) out.push({ index: { byteStart: f.byteStart, byteEnd: f.byteEnd }, features: [feature] });
    }
    return out;
  }

  private async resolveHandle(handle: string): Promise<string | null> {
    try {
      const res = await this.xrpc('GET', 'com.atproto.identity.resolveHandle', { handle }, true);
      const did = (res.body as { did?: unknown } | null)?.did;
      return res.status === 200 && typeof did === 'string' && did.startsWith('did:') ? did : null;
    } catch {
      return null;
    }
  }

  async reconcile(reply: OutgoingReply): Promise<Reconciled> {
    try {
      const session = await this.login();
      const res = await this.xrpc('GET', 'com.atproto.repo.getRecord', { repo: session.did, collection: POST, rkey: reply.idempotencyKey }, true);
      if (res.status === 200) return { state: 'posted', posted: { id: (res.body as { uri: string }).uri, url: this.link(session, reply.idempotencyKey) } };
      if (res.status === 400 && (res.body as { error?: string } | null)?.error === 'RecordNotFound') return { state: 'absent' };
      return { state: 'unknown', reason: httpFailure('Bluesky lookup', res.status, res.body, res.headers).message };
    } catch (e) {
      return { state: 'unknown', reason: `Bluesky lookup failed: ${(e as Error).message}` };
    }
  }
}

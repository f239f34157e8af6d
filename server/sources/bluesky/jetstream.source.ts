/**
 * Bluesky through Jetstream: the whole app.bsky.feed.post stream over one WebSocket, filtered
 * locally by the subjects' queries (Jetstream has no keyword filter, and the ingester stores every
 * post it is handed). Resumes from the saved `time_us` minus a safety window; the replayed window
 * is de-duplicated here within a run and by the ingester's natural key across restarts.
 */
import type { BlueskySourceConfig } from '../../../shared/api/sources';
import { backoffDelay } from '../backoff';
import { errorMessage } from '../health';
import type { SourceDeps } from '../registry';
import type { Cursor, NormalizedPost, PostEdit, SourceBatch, SourceContext, StreamSource } from '../source';
import { JetstreamConnection } from './jetstream-connection';
import { commitToPost, parseFrame, POST_COLLECTION, type JetstreamEvent } from './jetstream-event';
import { SubjectFilter } from './subject-filter';

export interface JetstreamOptions {
  /** How far before the saved cursor a reconnect starts, to cover events Jetstream timed out of order. */
  safetyWindowMs: number;
  /** A batch is stored when it holds this many posts and deletes... */
  maxBatch: number;
  /** ...or this long after its first one. */
  flushMs: number;
  /** With nothing to store, the cursor alone is saved this often (so a restart does not replay hours). */
  cursorOnlyMs: number;
  /** No frame for this long: ping; no frame or pong for twice this long: the connection is dead. */
  idleMs: number;
  backoff: { baseMs: number; capMs: number; minMs: number };
  subjectsRefreshMs: number;
  handshakeTimeoutMs: number;
  random: () => number;
}

export const defaultJetstreamOptions: JetstreamOptions = {
  safetyWindowMs: 5000,
  maxBatch: 500,
  flushMs: 1000,
  cursorOnlyMs: 10_000,
  idleMs: 30_000,
  // The floor keeps a server that accepts and drops at once below two attempts a second, whatever the jitter draws.
  backoff: { baseMs: 1000, capMs: 60_000, minMs: 500 },
  subjectsRefreshMs: 30_000,
  handshakeTimeoutMs: 15_000,
  random: Math.random,
};

/** The saved position: Jetstream's `time_us` of the last event covered. */
export interface JetstreamCursor {
  timeUs: number;
}

export function readCursor(cursor: Cursor): number | null {
  const t = cursor?.timeUs;
  return typeof t === 'number' && Number.isSafeInteger(t) && t > 0 ? t : null;
}

const MAX_HANDLES = 50_000;
const MAX_SEEN = 200_000;

export class JetstreamSource implements StreamSource {
  readonly type = 'stream';
  /**
   * Only posts some subject's query matches are kept. The filter below already drops the rest of the
   * firehose before analysis; the ingester's own check decides for edits, which pass the filter.
   */
  readonly matchedOnly = true;
  private readonly options: JetstreamOptions;
  private readonly filter: SubjectFilter;
  /** Handles learnt from identity events (commits carry only the DID); bounded, oldest forgotten first. */
  private readonly handles = new Map<string, string>();
  /** Keys of events already handled in this run, for the replayed safety window. */
  private readonly seen = new Map<string, number>();

  constructor(
    readonly id: string,
    private readonly config: Pick<BlueskySourceConfig, 'url'>,
    private readonly deps: SourceDeps,
    options: Partial<JetstreamOptions> = {},
  ) {
    this.options = { ...defaultJetstreamOptions, ...options };
    this.filter = new SubjectFilter(deps.subjects, deps.clock, this.options.subjectsRefreshMs);
  }

  async run(cursor: Cursor, emit: (batch: SourceBatch) => Promise<void>, ctx: SourceContext): Promise<void> {
    const log = this.deps.logger.child({ source: this.id });
    let timeUs = readCursor(cursor);
    let attempt = 0;
    for (let connection = 0; !ctx.signal.aborted; connection++) {
      if (connection > 0) ctx.health.recordReconnect();
      const session = new Session(this, emit, ctx, timeUs);
      try {
        await this.filter.refresh();
        await session.run(this.url(timeUs));
      } catch (error) {
        if (ctx.signal.aborted) break;
        ctx.health.recordError(error);
        log.warn({ err: errorMessage(error), attempt }, 'Jetstream connection failed; reconnecting');
      }
      // Resume after what this connection stored; a connection that carried events proves the server is back.
      timeUs = session.timeUs;
      if (session.delivered) attempt = 0;
      await ctx.clock.sleep(backoffDelay(attempt++, this.options.backoff, this.options.random), ctx.signal).catch(() => {});
    }
  }

  /** The subscribe URL: posts only, from the cursor minus the safety window (none: live tail). */
  url(timeUs: number | null): string {
    const url = new URL(this.config.url);
    url.searchParams.set('wantedCollections', POST_COLLECTION);
    url.searchParams.delete('cursor');
    if (timeUs !== null) url.searchParams.set('cursor', String(Math.max(0, timeUs - this.options.safetyWindowMs * 1000)));
    return url.toString();
  }

  /** @internal for Session */
  get opts(): JetstreamOptions {
    return this.options;
  }

  /** Handles one event into the batch; returns false when it was already handled in this run. */
  accept(event: JetstreamEvent, batch: PendingBatch, health: SourceContext['health']): boolean {
    const key = event.kind === 'commit' ? `${event.time_us}|${event.did}|${event.commit.rkey}|${event.commit.operation}` : `${event.time_us}|${event.did}|${event.kind}`;
    if (this.seen.has(key)) return false;
    this.remember(key, event.time_us);
    if (event.kind === 'identity') {
      const handle = event.identity?.handle;
      if (handle) this.learnHandle(event.did, handle);
      return true;
    }
    if (event.kind === 'account') {
      health.count('account_events');
      return true;
    }
    const result = commitToPost(event, this.id, this.handles.get(event.did) ?? null);
    if (result.type === 'delete') batch.deletes.push(result.nativeId);
    else if (result.type === 'invalid') health.count('skipped_records');
    else if (result.type === 'post') {
      health.count('posts_seen');
      if (result.edit) {
        // An edit goes on even when it matches no subject: it may take a stored post off its
        // subjects. The ingester stores an edit of a post it never stored only if it now matches.
        health.count('edits');
        batch.edits.push({ post: result.post, editedAt: new Date(Math.floor(event.time_us / 1000)) });
        return true;
      }
      if (!this.filter.matches({ text: result.post.text, authorHandle: result.post.author.handle, lang: result.post.lang })) return true;
      batch.posts.push(result.post);
    }
    return true;
  }

  refreshSubjects(): Promise<void> {
    return this.filter.refresh();
  }

  private remember(key: string, timeUs: number): void {
    this.seen.set(key, timeUs);
    if (this.seen.size <= MAX_SEEN) return;
    // Only the safety window can come back; older keys go, oldest (first inserted) first.
    const horizon = timeUs - 2 * this.options.safetyWindowMs * 1000;
    for (const [k, t] of this.seen) {
      if (t >= horizon && this.seen.size <= MAX_SEEN / 2) break;
      this.seen.delete(k);
    }
  }

  private learnHandle(did: string, handle: string): void {
    this.handles.delete(did);
    this.handles.set(did, handle);
    if (this.handles.size > MAX_HANDLES) this.handles.delete(this.handles.keys().next().value!);
  }
}

export interface PendingBatch {
  posts: NormalizedPost[];
  edits: PostEdit[];
  deletes: string[];
}

/** One connection: reads frames, builds batches, stores them (awaiting each), and ends when the connection does. */
class Session {
  /** The newest `time_us` stored with a batch. */
  timeUs: number | null;
  /** Whether this connection carried at least one valid event (resets the backoff). */
  delivered = false;
  private newest: number | null;
  private batch: PendingBatch = { posts: [], edits: [], deletes: [] };
  private batchSince: number | null = null;
  private skipsReported = 0;

  constructor(
    private readonly source: JetstreamSource,
    private readonly emit: (batch: SourceBatch) => Promise<void>,
    private readonly ctx: SourceContext,
    timeUs: number | null,
  ) {
    this.timeUs = timeUs;
    this.newest = timeUs;
  }

  async run(url: string): Promise<void> {
    const { opts } = this.source;
    const { clock, health, signal } = this.ctx;
    const now = () => clock.now().getTime();
    const connection = await JetstreamConnection.open(url, { signal, handshakeTimeoutMs: opts.handshakeTimeoutMs, now });
    health.recordSuccess();
    let pingedAt: number | null = null;
    try {
      while (!signal.aborted) {
        for (const frame of connection.drain()) {
          this.handle(frame);
          if (this.batch.posts.length + this.batch.edits.length + this.batch.deletes.length >= opts.maxBatch) await this.flush();
        }
        if (connection.closed) {
          await this.flush();
          const { code, reason, error } = connection.closed;
          throw error ?? new Error(`Jetstream closed the connection (${code}${reason ? `: ${reason}` : ''})`);
        }
        if (this.due(now())) {
          await this.source.refreshSubjects().catch((e: unknown) => health.recordError(e));
          await this.flush();
          continue;
        }
        // A silent socket may be a dead one (no FIN ever came): ping, and give up if even that goes unanswered.
        const idle = now() - connection.lastActivityAt;
        if (pingedAt !== null && connection.lastActivityAt > pingedAt) pingedAt = null;
        if (idle >= 2 * opts.idleMs) {
          health.count('stalls');
          throw new Error(`Jetstream sent nothing for ${Math.round(idle / 1000)} s; reconnecting`);
        }
        if (idle >= opts.idleMs && pingedAt === null) {
          pingedAt = now();
          connection.ping();
        }
        const idleDeadline = connection.lastActivityAt + (pingedAt === null ? 1 : 2) * opts.idleMs;
        const wait = Math.max(1, Math.min(idleDeadline, this.flushDeadline()) - now());
        const timer = new AbortController();
        await Promise.race([connection.next(), clock.sleep(wait, AbortSignal.any([signal, timer.signal])).catch(() => {})]);
        timer.abort();
      }
    } finally {
      connection.close();
    }
  }

  private handle(frame: string | null): void {
    const { health } = this.ctx;
    const parsed = frame === null ? { ok: false as const, reason: 'binary frame' } : parseFrame(frame);
    if (!parsed.ok) {
      health.count('skipped_frames');
      // Reported once per batch at most: a server sending garbage must not flood the error history.
      if (this.skipsReported++ === 0) health.recordError(new Error(`skipped a malformed Jetstream frame (${parsed.reason})`));
      return;
    }
    if (!parsed.event) return;
    this.delivered = true;
    const fresh = this.source.accept(parsed.event, this.batch, health);
    if (!fresh) health.count('duplicates_skipped');
    if (this.newest === null || parsed.event.time_us > this.newest) this.newest = parsed.event.time_us;
    this.batchSince ??= this.ctx.clock.now().getTime();
  }

  private due(now: number): boolean {
    return now >= this.flushDeadline();
  }

  /** When the batch in hand must be stored: soon if it holds posts or deletes, later if only the cursor moved. */
  private flushDeadline(): number {
    if (this.batchSince === null) return Infinity;
    const { flushMs, cursorOnlyMs } = this.source.opts;
    const hasContent = this.batch.posts.length + this.batch.edits.length + this.batch.deletes.length > 0;
    return this.batchSince + (hasContent ? flushMs : cursorOnlyMs);
  }

  private async flush(): Promise<void> {
    if (this.batchSince === null || this.newest === null) return;
    const batch = this.batch;
    const cursor: JetstreamCursor = { timeUs: this.newest };
    this.batch = { posts: [], edits: [], deletes: [] };
    this.batchSince = null;
    this.skipsReported = 0;
    // The ingester stores posts, then applies edits, then deletions, all in one transaction.
    await this.emit({ posts: batch.posts, edits: batch.edits, deletes: batch.deletes, cursor: { ...cursor } });
    this.timeUs = cursor.timeUs;
    this.ctx.health.recordCursorTime(new Date(Math.floor(cursor.timeUs / 1000)));
  }
}

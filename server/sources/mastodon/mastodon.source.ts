/**
 * Mastodon: one instance, following its hashtags over SSE (one stream per tag). The stream has no
 * resume cursor, so after every (re)connect, and at start, each tag is gap-filled through its
 * timeline from the newest status id stored for it (`min_id`, walking forward page by page).
 * While a tag is being gap-filled its stream events wait, so the saved cursor never runs ahead of
 * a status not yet stored.
 */
import type { MastodonSourceConfig } from '../../../shared/api/sources';
import { backoffDelay } from '../backoff';
import { errorMessage } from '../health';
import type { SourceDeps } from '../registry';
import type { Cursor, NormalizedPost, PostEdit, SourceBatch, SourceContext, StreamSource } from '../source';
import { openHashtagStream, PAGE_LIMIT, streamEvents, tagTimeline, type MastodonClient } from './mastodon-api';
import { newerId, parseStatus, statusToPost, type MastodonStatus } from './mastodon-status';
import type { SseEvent } from './sse';

export interface MastodonOptions {
  maxBatch: number;
  flushMs: number;
  /** Mastodon sends a `:thump` heartbeat about every 15 s; nothing for this long means a dead stream. */
  idleMs: number;
  backoff: { baseMs: number; capMs: number; minMs: number };
  random: () => number;
}

export const defaultMastodonOptions: MastodonOptions = {
  maxBatch: 500,
  flushMs: 1000,
  idleMs: 60_000,
  backoff: { baseMs: 1000, capMs: 60_000, minMs: 500 },
  random: Math.random,
};

/** The saved position: the newest status id stored per followed tag. */
export interface MastodonCursor {
  tags: Record<string, string>;
}

export function readCursor(cursor: Cursor): Map<string, string> {
  const tags = cursor?.tags;
  const out = new Map<string, string>();
  if (typeof tags !== 'object' || tags === null) return out;
  for (const [tag, id] of Object.entries(tags)) if (typeof id === 'string' && /^\d{1,30}$/.test(id)) out.set(tag, id);
  return out;
}

/** '#Acme' → 'acme': Mastodon tags are case-insensitive. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.replace(/^#/, '').toLowerCase()))];
}

export class MastodonSource implements StreamSource {
  readonly type = 'stream';
  private readonly options: MastodonOptions;
  private readonly tags: string[];
  private readonly client: MastodonClient;

  constructor(
    readonly id: string,
    config: Pick<MastodonSourceConfig, 'instanceUrl' | 'hashtags'>,
    secrets: { accessToken: string },
    private readonly deps: SourceDeps,
    options: Partial<MastodonOptions> = {},
  ) {
    this.options = { ...defaultMastodonOptions, ...options };
    this.tags = normalizeTags(config.hashtags);
    this.client = { base: config.instanceUrl, token: secrets.accessToken };
  }

  async run(cursor: Cursor, emit: (batch: SourceBatch) => Promise<void>, ctx: SourceContext): Promise<void> {
    const run = new Run(this.id, this.client, this.options, emit, ctx, readCursor(cursor), this.deps);
    await Promise.all([...this.tags.map((tag) => run.follow(tag)), run.flushLoop()]);
  }
}

/** The state of one `run`: the cursor stored so far, the batch being built, and one emitter at a time. */
class Run {
  private pending: { posts: NormalizedPost[]; edits: PostEdit[]; deletes: string[]; newest: Map<string, string>; since: number | null } = this.empty();
  private chain: Promise<void> = Promise.resolve();
  private wakeFlusher: (() => void) | null = null;
  private skipsReported = 0;
  private readonly log: SourceDeps['logger'];

  constructor(
    private readonly sourceId: string,
    private readonly client: MastodonClient,
    private readonly opts: MastodonOptions,
    private readonly emit: (batch: SourceBatch) => Promise<void>,
    private readonly ctx: SourceContext,
    private readonly stored: Map<string, string>,
    deps: SourceDeps,
  ) {
    this.log = deps.logger.child({ source: sourceId });
  }

  /** Follows one tag forever: connect, gap-fill, stream; on any failure back off and do it again. */
  async follow(tag: string): Promise<void> {
    const { clock, health, signal } = this.ctx;
    let attempt = 0;
    for (let connection = 0; !signal.aborted; connection++) {
      if (connection > 0) health.recordReconnect();
      const progress = { delivered: false };
      try {
        await this.connect(tag, progress);
      } catch (error) {
        if (signal.aborted) break;
        health.recordError(error);
        this.log.warn({ err: errorMessage(error), tag, attempt }, 'Mastodon stream failed; reconnecting');
      }
      if (progress.delivered) attempt = 0;
      await clock.sleep(backoffDelay(attempt++, this.opts.backoff, this.opts.random), signal).catch(() => {});
    }
  }

  private async connect(tag: string, progress: { delivered: boolean }): Promise<void> {
    const { clock, health, signal } = this.ctx;
    const connection = new AbortController();
    const both = AbortSignal.any([signal, connection.signal]);
    let lastActivity = clock.now().getTime();
    let stalled = false;
    const watchdog = (async () => {
      while (!both.aborted) {
        await clock.sleep(Math.max(1, lastActivity + this.opts.idleMs - clock.now().getTime()), both).catch(() => {});
        if (!both.aborted && clock.now().getTime() - lastActivity >= this.opts.idleMs) {
          stalled = true;
          connection.abort(new Error('stalled'));
        }
      }
    })();

    // Events that arrive while the tag is gap-filled wait here, so the cursor never passes a gap.
    let held: SseEvent[] | null = [];
    let filled: Promise<void> | null = null;
    try {
      const res = await openHashtagStream(this.client, tag, both);
      health.recordSuccess();
      lastActivity = clock.now().getTime();
      filled = this.gapFill(tag, both).then(() => {
        const waiting = held ?? [];
        held = null;
        for (const e of waiting) this.handle(tag, e, progress);
      });
      // A failed gap-fill ends the connection; the next one fills again from the same cursor.
      filled.catch(() => connection.abort(new Error('gap-fill failed')));
      for await (const event of streamEvents(res, both, () => (lastActivity = clock.now().getTime()))) {
        if (held) held.push(event);
        else this.handle(tag, event, progress);
      }
      await filled;
      if (both.aborted) throw both.reason;
      throw new Error(`the #${tag} stream ended`);
    } catch (error) {
      const fillError: unknown = filled ? await filled.then(() => null, (e: unknown) => e) : null;
      if (stalled) {
        health.count('stalls');
        throw new Error(`no data from the #${tag} stream for ${this.opts.idleMs / 1000} s`, { cause: error });
      }
      throw fillError ?? error;
    } finally {
      connection.abort(new Error('closed'));
      await watchdog;
    }
  }

  /** Stores every status after the tag's newest stored id, oldest page first; with none stored, the newest page. */
  private async gapFill(tag: string, signal: AbortSignal): Promise<void> {
    let since = newerId(this.stored.get(tag) ?? null, this.pending.newest.get(tag) ?? null);
    for (let page = 0; !signal.aborted; page++) {
      const raw = await tagTimeline(this.client, tag, { minId: since }, signal);
      this.ctx.health.count('gap_fill_requests');
      const posts: NormalizedPost[] = [];
      const edits: PostEdit[] = [];
      let newest = since;
      for (const item of raw) {
        const parsed = parseStatus(item);
        if (!parsed.ok) {
          this.skipped(`a timeline status of #${tag} (${parsed.reason})`);
          continue;
        }
        // A status edited while the stream was down comes back with its latest text and edited_at.
        const edit = this.editOf(parsed.status, false);
        if (edit) edits.push(edit);
        else posts.push(statusToPost(parsed.status, this.sourceId));
        newest = newerId(newest, parsed.status.id);
      }
      // A server that does not move forward (or a gap longer than we could ever read) must not loop.
      if (newest === since || newest === null) return;
      this.ctx.health.count('gap_filled', posts.length + edits.length);
      await this.store(posts, edits, [], new Map([[tag, newest]]));
      if (since === null || raw.length < PAGE_LIMIT) return;
      since = newest;
    }
  }

  private handle(tag: string, event: SseEvent, progress: { delivered: boolean }): void {
    if (event.event === 'delete') {
      progress.delivered = true;
      if (/^\d{1,30}$/.test(event.data.trim())) this.add([], [], [event.data.trim()], tag, null);
      else this.skipped(`a delete event of #${tag} with id ${JSON.stringify(event.data.slice(0, 40))}`);
      return;
    }
    if (event.event !== 'update' && event.event !== 'status.update') return;
    let raw: unknown;
    try {
      raw = JSON.parse(event.data);
    } catch {
      this.skipped(`an ${event.event} event of #${tag} that is not JSON`);
      return;
    }
    const parsed = parseStatus(raw);
    if (!parsed.ok) {
      this.skipped(`an ${event.event} event of #${tag} (${parsed.reason})`);
      return;
    }
    progress.delivered = true;
    const edit = this.editOf(parsed.status, event.event === 'status.update');
    if (event.event === 'status.update') this.ctx.health.count('edits');
    // An edit keeps its id; the tag's cursor only moves forward with new statuses.
    this.add(edit ? [] : [statusToPost(parsed.status, this.sourceId)], edit ? [edit] : [], [], tag, event.event === 'update' ? parsed.status.id : null);
  }

  /**
   * A status that was edited, as an edit whose version is its edited_at: applied when newer than the
   * version stored, stored as new if no version was. A status.update without edited_at (not sent by
   * Mastodon itself) is versioned by when it arrived.
   */
  private editOf(status: MastodonStatus, isUpdate: boolean): PostEdit | null {
    const editedAt = status.edited_at ? new Date(status.edited_at) : null;
    if (editedAt && !Number.isNaN(editedAt.getTime())) return { post: statusToPost(status, this.sourceId), editedAt };
    return isUpdate ? { post: statusToPost(status, this.sourceId), editedAt: this.ctx.clock.now() } : null;
  }

  private skipped(what: string): void {
    this.ctx.health.count('skipped_frames');
    if (this.skipsReported++ === 0) this.ctx.health.recordError(new Error(`skipped ${what}`));
  }

  private add(posts: NormalizedPost[], edits: PostEdit[], deletes: string[], tag: string, id: string | null): void {
    const p = this.pending;
    p.posts.push(...posts);
    p.edits.push(...edits);
    p.deletes.push(...deletes);
    if (id) p.newest.set(tag, newerId(p.newest.get(tag) ?? null, id)!);
    p.since ??= this.ctx.clock.now().getTime();
    if (p.posts.length + p.edits.length + p.deletes.length >= this.opts.maxBatch) this.flush().catch((error: unknown) => this.ctx.health.recordError(error));
    this.wakeFlusher?.();
  }

  /** Stores the pending batch `flushMs` after its first item. */
  async flushLoop(): Promise<void> {
    const { clock, signal } = this.ctx;
    while (!signal.aborted) {
      const since = this.pending.since;
      if (since === null) {
        await new Promise<void>((resolve) => {
          this.wakeFlusher = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        this.wakeFlusher = null;
        continue;
      }
      const wait = since + this.opts.flushMs - clock.now().getTime();
      if (wait > 0) await clock.sleep(wait, signal).catch(() => {});
      else await this.flush().catch((error: unknown) => this.ctx.health.recordError(error));
    }
  }

  private flush(): Promise<void> {
    const p = this.pending;
    if (p.since === null) return this.chain;
    this.pending = this.empty();
    return this.store(p.posts, p.edits, p.deletes, p.newest);
  }

  /** Queues a batch behind the one being stored (emit is never called twice at once). */
  private store(posts: NormalizedPost[], edits: PostEdit[], deletes: string[], newest: Map<string, string>): Promise<void> {
    const run = async () => {
      const next = new Map(this.stored);
      for (const [tag, id] of newest) next.set(tag, newerId(next.get(tag) ?? null, id)!);
      const cursor: MastodonCursor = { tags: Object.fromEntries(next) };
      // The ingester stores posts, then applies edits, then deletions, all in one transaction.
      await this.emit({ posts, edits, deletes, cursor: { ...cursor } });
      for (const [tag, id] of next) this.stored.set(tag, id);
      this.skipsReported = 0;
    };
    const done = this.chain.then(run);
    this.chain = done.catch(() => {});
    return done;
  }

  private empty() {
    return { posts: [] as NormalizedPost[], edits: [] as PostEdit[], deletes: [] as string[], newest: new Map<string, string>(), since: null as number | null };
  }
}

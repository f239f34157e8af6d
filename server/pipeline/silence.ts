/**
 * Keeps each source's arrival history (server/analysis/silence.ts decides what "silent" means) and
 * hands the detector the verdicts, so a source gone quiet raises a `source_silent` alert through
 * the same alert machinery as everything else, and the first post back clears it.
 * The history survives restarts in `settings`; it is written at most once a minute.
 */
import type { Kysely } from 'kysely';
import { checkSilence, defaultSilenceParams, emptyHistory, recordArrivals, type ArrivalHistory, type SilenceParams } from '../analysis/silence';
import type { SourceInput } from '../analysis/detect';
import type { Clock } from '../clock';
import { loadSetting, saveSetting } from '../db/repositories/settings.repository';
import type { Database } from '../db/tables';
import type { Logger } from '../logger';
import type { SourceHealth } from '../../shared/api/health';

const KEY = 'sources.arrivals';
const FLUSH_EVERY_MS = 60_000;

export class SilenceWatcher {
  private histories = new Map<string, ArrivalHistory>();
  private dirty = false;
  private lastFlush = 0;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly deps: { db: Kysely<Database>; clock: Clock; logger: Logger; sources: () => SourceHealth[] },
    private readonly params: SilenceParams = defaultSilenceParams,
  ) {}

  async load(): Promise<void> {
    const saved = await loadSetting<Record<string, ArrivalHistory>>(this.deps.db, KEY);
    this.histories = new Map(Object.entries(saved ?? {}));
  }

  /** Called for every stored batch (the runner's onStored). */
  record(sourceId: string, stored: number): void {
    if (stored <= 0) return;
    this.histories.set(sourceId, recordArrivals(this.histories.get(sourceId) ?? emptyHistory(), this.deps.clock.now(), stored, this.params.keepHours));
    this.dirty = true;
  }

  /** The detector's view: every running, unpaused source with its verdict. */
  inputs(): SourceInput[] {
    const now = this.deps.clock.now();
    this.maybeFlush();
    return this.deps
      .sources()
      .filter((h) => h.status !== 'paused')
      .map((h) => {
        const history = this.histories.get(h.id) ?? emptyHistory();
        const v = checkSilence(history, now, this.params);
        return { source: h.id, silent: v.silent, lastPostAt: history.lastArrivalAt === null ? null : new Date(history.lastArrivalAt), expectedPerHour: v.expectedPerHour };
      });
  }

  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.lastFlush = Date.now();
    try {
      await saveSetting(this.deps.db, KEY, Object.fromEntries(this.histories));
    } catch (err) {
      this.dirty = true;
      this.deps.logger.warn({ err }, 'saving source arrival history failed; will retry');
    }
  }

  private maybeFlush(): void {
    if (!this.dirty || this.flushing || Date.now() - this.lastFlush < FLUSH_EVERY_MS) return;
    this.flushing = this.flush().finally(() => (this.flushing = null));
  }
}

/**
 * Recent-search polling, one page per call: each subject's X queries in turn, each resumed from the
 * newest id already stored (since_id) and read page by page through next_token until done. Never
 * `fetchPrevious()`, which reads one page and moves past the rest. A page's posts and the cursor
 * that covers them are stored together, so a restart continues from the page it stopped at.
 */
import type { TwitterApiReadOnly } from 'twitter-api-v2';
import type { SubjectQuery } from '../registry';
import type { NormalizedPost, SourceContext } from '../source';
import { budgetLeft, nextMonthStart, rollBudget, type QueryPosition, type XCursor } from './x.cursor';
import { X_POST_FIELDS } from './x.client';
import { classifyXError, XSourceError } from './x.errors';
import { reportBudget, setCounter } from './x.health';
import { newerId, normalizeTweet, usersById } from './x.normalize';
import type { RateGate } from './x.rate-gate';
import { searchQueries } from './x.rules';

/** X's bounds for max_results on recent search. */
const PAGE_MIN = 10;
const PAGE_MAX = 100;
const HOUR = 3_600_000;

export interface XSearchOptions {
  sourceId: string;
  client: TwitterApiReadOnly;
  subjects: () => Promise<SubjectQuery[]>;
  gate: RateGate;
  monthlyReadBudget: number | null;
  /** A query seen for the first time reads at most this many pages back (recent search spans 7 days). */
  firstRoundPages: number;
}

export class XSearchReader {
  /** Queries still to read in this round; a round reads every query once. */
  private round: string[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly options: XSearchOptions) {}

  /** Reads one page into `state` (mutated) and returns its posts; `more` while the round goes on. */
  async nextPage(state: XCursor, ctx: SourceContext): Promise<{ posts: NormalizedPost[]; more: boolean }> {
    const { gate, monthlyReadBudget } = this.options;
    rollBudget(state, ctx.clock.now());
    reportBudget(state, monthlyReadBudget, ctx.health);
    const left = budgetLeft(state, monthlyReadBudget);
    if (left < PAGE_MIN) {
      this.reportOnce(`budget:${state.budget.month}`, ctx, `The monthly read budget of ${monthlyReadBudget} posts is used up; X reads resume on ${nextMonthStart(ctx.clock.now()).toISOString().slice(0, 10)}`);
      return { posts: [], more: false };
    }
    if (this.round.length === 0 && !(await this.startRound(state, ctx))) return { posts: [], more: false };
    const query = this.round[0]!;
    const position: QueryPosition = state.search[query] ?? { sinceId: null };

    for (;;) {
      await gate.wait(ctx);
      let page;
      try {
        page = await this.options.client.v2.search(query, {
          ...X_POST_FIELDS,
          max_results: Math.min(PAGE_MAX, left),
          ...(position.sinceId ? { since_id: position.sinceId } : {}),
          ...(position.nextToken ? { next_token: position.nextToken } : {}),
        });
      } catch (error) {
        const failure = classifyXError(error);
        const now = ctx.clock.now();
        if (failure.kind === 'rate-limit') {
          ctx.health.recordError(failure.message);
          ctx.health.count('rate_limited');
          gate.block(failure.resetAt ?? new Date(now.getTime() + 60_000), now);
          continue;
        }
        if (failure.kind === 'usage-cap') {
          ctx.health.recordError(failure.message);
          ctx.health.count('usage_capped');
          // A capped request costs nothing; asking again hourly notices a raised cap soon enough.
          gate.block(new Date(now.getTime() + HOUR), now);
          return { posts: [], more: false };
        }
        if (failure.kind === 'invalid' && position.nextToken) {
          // A next_token that outlived its round (e.g. across a long stop): read the round again from since_id.
          ctx.health.count('pagination_restarts');
          state.search[query] = { sinceId: position.sinceId };
          return { posts: [], more: true };
        }
        // Auth, forbidden, X down, network: the runner records it and retries with capped backoff.
        throw new XSourceError(failure);
      }

      const now = ctx.clock.now();
      gate.observe(page.rateLimit, now);
      ctx.health.recordSuccess();
      const tweets = page.tweets;
      state.budget.used += tweets.length;
      reportBudget(state, monthlyReadBudget, ctx.health);
      const users = usersById(page.includes.users);
      const seen = new Set<string>();
      const posts: NormalizedPost[] = [];
      for (const t of tweets) {
        if (seen.has(t.id)) {
          ctx.health.count('duplicates_skipped');
          continue;
        }
        seen.add(t.id);
        posts.push(normalizeTweet(this.options.sourceId, t, users, now));
      }

      const newest = position.newestId ?? page.meta.newest_id ?? null;
      const pages = (position.pages ?? 0) + 1;
      const backfillDone = position.sinceId === null && pages >= this.options.firstRoundPages;
      if (page.meta.next_token && !backfillDone) {
        state.search[query] = { sinceId: position.sinceId, nextToken: page.meta.next_token, ...(newest ? { newestId: newest } : {}), pages };
        return { posts, more: true };
      }
      state.search[query] = { sinceId: newerId(newest, position.sinceId) };
      this.round.shift();
      return { posts, more: this.round.length > 0 };
    }
  }

  /** Compiles the subjects' queries for a new round; forgets positions of queries no longer asked. */
  private async startRound(state: XCursor, ctx: SourceContext): Promise<boolean> {
    const compiled = searchQueries(await this.options.subjects());
    setCounter(ctx.health, 'query_errors', compiled.errors.length);
    for (const e of compiled.errors) this.reportOnce(`query:${e.message}`, ctx, `A subject's query cannot be sent to X: ${e.message}`);
    const wanted = new Set(compiled.queries.map((q) => q.value));
    for (const q of Object.keys(state.search)) if (!wanted.has(q)) delete state.search[q];
    // Queries with a page in hand first, so a restart finishes the round it was in.
    this.round = [...wanted].sort((a, b) => Number(Boolean(state.search[b]?.nextToken)) - Number(Boolean(state.search[a]?.nextToken)));
    return this.round.length > 0;
  }

  private reportOnce(key: string, ctx: SourceContext, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    ctx.health.recordError(message);
  }
}


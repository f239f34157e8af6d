/**
 * The derive step, after posts are stored: groups complaints and questions into issues, attaches
 * follow-ups to open cases, and checks every subject and issue for spikes. Each unit of work is one
 * transaction that also saves the engines' state and removes its queue rows, so it is restart-safe
 * and running it twice changes nothing.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import { bucketize, detect, emptyDetectState, type AlertEvent, type BucketPost, type DetectParams, type DetectState, type IssueInput, type SourceInput, type SubjectInput } from '../analysis/detect';
import { emptyGroupingState, forgetPostsBefore, groupPosts, isGroupable, summarizeIssue, type GroupingParams, type GroupingState, type GroupPost } from '../analysis/issues';
import { openOrUpdateAlert, resolveOpenAlert, updateOpenAlert, type AlertWrite } from '../db/repositories/alerts.repository';
import { addCaseEvent, linkCase } from '../db/repositories/cases.repository';
import * as repo from '../db/repositories/derive.repository';
import type { Database } from '../db/tables';
import type { Logger } from '../logger';
import type { Analysis } from '../../shared/domain';
import type { EventHub } from './events';
import { applyCaseRules, type OpenedByRule } from './case-rules';
import { queueAlertDeliveries } from './notify';
import { checkSlaBreaches } from './sla-alerts';

export const GROUPING_KEY = 'derive.grouping';
const DETECT_KEY = 'derive.detect';
const BATCH = 2000;
/** The replay guard of grouping only needs to outlive the queue: posts are dequeued in the same transaction. */
const FORGET_AFTER_MS = 3 * 86_400_000;

interface DetectSaved {
  state: DetectState;
  /** End (exclusive) of the last bucket processed. */
  until: number | null;
}

export interface DeriveOptions {
  grouping?: Partial<GroupingParams>;
  detect?: Partial<DetectParams>;
  /** Source silence as the runner sees it, checked at each detection tick. */
  sources?: () => SourceInput[];
}

export class Deriver {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: { db: Kysely<Database>; clock: Clock; logger: Logger; events: EventHub },
    private readonly options: DeriveOptions = {},
  ) {}

  /** Groups everything queued, then runs detection up to now. */
  async runOnce(): Promise<{ grouped: number; alerts: AlertEvent[] }> {
    let grouped = 0;
    for (;;) {
      const n = await this.groupBatch();
      grouped += n;
      if (n < BATCH) break;
    }
    const alerts = await this.detectTick();
    await checkSlaBreaches(this.deps, this.deps.clock.now());
    return { grouped, alerts };
  }

  start(intervalMs: number): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'derive step failed; retrying next tick'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One batch of queued posts through issue grouping; returns how many queue rows it consumed. */
  async groupBatch(): Promise<number> {
    const now = this.deps.clock.now();
    const opened: Array<{ id: number; subjectId: number | null; label: string }> = [];
    const ruleCases: OpenedByRule[] = [];
    const count = await this.deps.db.transaction().execute(async (trx) => {
      const ids = await repo.claimQueued(trx, BATCH);
      if (ids.length === 0) return 0;
      const posts = await repo.postsForDerive(trx, ids);
      const state = (await repo.loadStateForUpdate<GroupingState>(trx, GROUPING_KEY)) ?? emptyGroupingState();
      // One grouping input per (post, subject): the same post can be about a supplier and the company.
      const inputs: GroupPost[] = posts
        .filter((p) => p.kind !== 'repost' && p.deleted_at === null)
        .flatMap((p) =>
          p.subject_ids.map((subjectId) => ({
            id: `${p.id}@${subjectId}`,
            text: p.text,
            createdAt: new Date(p.created_at),
            authorId: p.author_id,
            subjectId,
            dedupeKey: p.dedupe_key ?? undefined,
            references: p.refs,
            // With the text, a post naming a known problem is grouped unless the engine is sure it is praise.
            isComplaintOrQuestion: isGroupable({ intent: (p.intent ?? 'other') as Analysis['intent'], label: (p.sentiment_label ?? 'neutral') as Analysis['label'] }, p.text),
          })),
        );
      const result = groupPosts(state, inputs, now, this.options.grouping);
      const touched = new Set<number>();
      for (const a of result.assignments) if (a.issueId !== null) touched.add(a.issueId);
      for (const c of result.changes) {
        touched.add(c.issueId);
        if (c.type === 'merged' && c.otherId !== undefined) await repo.movePostIssues(trx, c.issueId, c.otherId);
      }
      await repo.upsertIssues(trx, [...touched].flatMap((id) => issueRow(result.state, id, now)));
      await repo.linkPostIssues(
        trx,
        result.assignments.flatMap((a) => (a.issueId === null ? [] : [{ postId: Number(a.postId.split('@')[0]), issueId: a.issueId }])),
      );
      await attachFollowUps(trx, posts, now);
      ruleCases.push(...(await applyCaseRules(trx, { postIds: posts.map((p) => p.id), issueIds: [...touched] }, now)));
      await repo.dequeue(trx, ids);
      await repo.saveState(trx, GROUPING_KEY, forgetPostsBefore(result.state, new Date(now.getTime() - FORGET_AFTER_MS)));
      for (const c of result.changes) {
        if (c.type !== 'opened') continue;
        const i = result.state.issues[String(c.issueId)];
        if (i) opened.push({ id: i.id, subjectId: i.subjectKey === '_' ? null : Number(i.subjectKey), label: i.label });
      }
      return ids.length;
    });
    for (const o of opened) this.deps.events.publish('issue', o);
    for (const c of ruleCases) this.deps.events.publish('case', { id: c.caseId, status: 'new' });
    return count;
  }

  /**
   * Feeds the 5-minute buckets completed since the last tick, and the one still filling, to the
   * detectors and applies their alert events.
   */
  async detectTick(): Promise<AlertEvent[]> {
    const now = this.deps.clock.now();
    const bucketMs = this.options.detect?.bucketMs ?? 5 * 60_000;
    const published: Array<{ id: number; kind: string; status: string; subjectId: number | null; severity: string }> = [];
    const events = await this.deps.db.transaction().execute(async (trx) => {
      const saved = (await repo.loadStateForUpdate<DetectSaved>(trx, DETECT_KEY)) ?? { state: emptyDetectState(), until: null };
      const to = Math.floor(now.getTime() / bucketMs) * bucketMs;
      const maxBack = (this.options.detect?.maxCatchUpBuckets ?? 7 * 288) * bucketMs;
      // With no subject's posts yet there is still the last bucket to check (sources can be silent).
      const earliest = saved.until ?? (await repo.earliestPostTime(trx))?.getTime() ?? to - bucketMs;
      const from = Math.max(Math.floor(earliest / bucketMs) * bucketMs, to - maxBack);
      // The bucket still filling goes along too: the detectors judge it (an incident shows minutes
      // earlier) without learning from it, and silent sources are checked at every tick.
      if (from > to) return [];
      const rows = await repo.postsForDetection(trx, new Date(from), new Date(Math.max(to, now.getTime() + 1)));
      const subjects = await trx.selectFrom('subjects').select(['id', 'sensitivity']).where('archived', '=', false).execute();
      const bySubject = new Map<number, BucketPost[]>();
      const byIssue = new Map<number, { subjectId: number; posts: BucketPost[] }>();
      for (const r of rows) {
        const bp: BucketPost = { id: String(r.id), createdAt: new Date(r.created_at), authorId: r.author_id, source: r.source, label: r.sentiment_label as BucketPost['label'], text: r.text };
        const list = bySubject.get(r.subject_id) ?? [];
        if (!list.length || list[list.length - 1]!.id !== bp.id) list.push(bp);
        bySubject.set(r.subject_id, list);
        if (r.issue_id !== null) {
          const entry = byIssue.get(r.issue_id) ?? { subjectId: r.subject_id, posts: [] };
          entry.posts.push(bp);
          byIssue.set(r.issue_id, entry);
        }
      }
      const issueRows = byIssue.size ? await trx.selectFrom('issues').select(['id', 'label', 'key_terms', 'first_seen', 'representative_post_ids']).where('id', 'in', [...byIssue.keys()]).execute() : [];
      const subjectsIn: SubjectInput[] = subjects.map((s) => ({ subjectId: s.id, sensitivity: s.sensitivity, buckets: bucketize(bySubject.get(s.id) ?? [], bucketMs) }));
      const issuesIn: IssueInput[] = issueRows.map((i) => ({
        issueId: i.id,
        subjectId: byIssue.get(i.id)!.subjectId,
        firstSeen: i.first_seen,
        label: i.label,
        topTerms: i.key_terms,
        representativePostIds: i.representative_post_ids.map(String),
        buckets: bucketize(byIssue.get(i.id)!.posts, bucketMs),
      }));
      const result = detect(saved.state, { subjects: subjectsIn, issues: issuesIn, sources: this.options.sources?.() ?? [] }, now, this.options.detect);
      for (const e of result.events) {
        const row = await applyAlertEvent(trx, e, now);
        if (row) published.push({ id: row.id, kind: row.kind, status: row.status, subjectId: row.subject_id, severity: row.severity });
      }
      await repo.saveState(trx, DETECT_KEY, { state: result.state, until: to } satisfies DetectSaved);
      return result.events;
    });
    for (const p of published) this.deps.events.publish('alert', p);
    return events;
  }
}

export function issueRow(state: GroupingState, id: number, now: Date): repo.IssueUpsert[] {
  const s = summarizeIssue(state, id, now);
  const issue = state.issues[String(id)];
  if (!s || !issue) return [];
  const growth = s.growth.ratio ?? (s.growth.last > 0 ? s.growth.last : 0);
  return [
    {
      id: s.id,
      subjectId: s.subjectKey === '_' ? null : Number(s.subjectKey),
      label: s.label,
      labelLocked: issue.labelLocked,
      keyTerms: s.keyTerms,
      refs: s.sharedReferences,
      representativePostIds: s.representativePostIds.map((pid) => Number(pid.split('@')[0])),
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      posts: s.posts,
      distinctTexts: s.distinctTexts,
      distinctAuthors: s.distinctAuthors,
      mergedInto: s.mergedInto,
      // Severity for ordering the board: voices, weighted up while the issue is growing.
      severity: s.distinctAuthors * Math.min(3, Math.max(1, growth)),
    },
  ];
}

/** A new post from the author of an open case (same network) joins that case. */
async function attachFollowUps(trx: Kysely<Database>, posts: repo.DerivePost[], now: Date): Promise<void> {
  if (posts.length === 0) return;
  const open = await repo.openCaseAuthors(trx);
  if (open.size === 0) return;
  for (const p of posts) {
    const caseId = open.get(`${p.source}\u0000${p.author_id}`);
    if (caseId === undefined) continue;
    await linkCase(trx, caseId, { postIds: [p.id] });
    await addCaseEvent(trx, caseId, 'follow_up', null, { postId: p.id }, now);
  }
}

async function applyAlertEvent(trx: Kysely<Database>, e: AlertEvent, now: Date) {
  const a = e.alert;
  if (e.type === 'resolved') return resolveOpenAlert(trx, a.key, now);
  const write: AlertWrite = {
    kind: a.kind,
    conditionKey: a.key,
    subjectId: a.subjectId === null ? null : Number(a.subjectId),
    issueId: a.issueId,
    source: a.source,
    windowStart: new Date(a.windowStart),
    windowEnd: new Date(a.windowEnd),
    expected: a.expected,
    observed: a.observed,
    severity: a.severity,
    why: { ...a.why, postIds: a.why.postIds.map(Number).filter(Number.isFinite) },
    at: now,
  };
  const row = e.type === 'opened' ? await openOrUpdateAlert(trx, write) : await updateOpenAlert(trx, write);
  // People are told when an alert opens and when it gets worse, not at every update.
  if (row && (e.type === 'opened' || e.type === 'escalated')) await queueAlertDeliveries(trx, row, now);
  return row;
}

/**
 * Incident mode: a query watched from a start time. Each view reads the window's candidate posts
 * (SQL prefilter), keeps those the compiled query matches, and derives the timeline, stories, most
 * shared posts and voices from them (server/analysis/incident.ts). Closed incidents stay as the
 * record: their window ends at the close and they take no more notes.
 */
import type { Kysely } from 'kysely';
import type { IncidentCreate, IncidentDetail, IncidentSummary } from '../../shared/api/incidents';
import { authorKey, bucketMinutesFor, incidentAuthors, mostShared, prefilter, stories, timeline, voices } from '../analysis/incident';
import { compileQuery } from '../analysis/query-matcher';
import { parseQuery } from '../analysis/query-parser';
import * as incidents from '../db/repositories/incidents.repository';
import type { Database } from '../db/tables';
import { AppError, notFound } from '../http/errors';
import { toPostView } from './mentions.service';

/** Candidates one view reads at most; a query matching more than this in its window is too broad to read post by post. */
export const MAX_CANDIDATES = 200_000;
const RECENT_POSTS = 200;

function parseOrThrow(query: string) {
  const parsed = parseQuery(query);
  if (!parsed.ok) throw new AppError(400, 'invalid_query', `The query has an error at position ${parsed.error.position}: ${parsed.error.message}`, parsed.error);
  return parsed.query;
}

export async function createIncident(db: Kysely<Database>, input: IncidentCreate, actorId: number | null, now: Date): Promise<number> {
  parseOrThrow(input.query);
  const startedAt = input.startedAt ? new Date(input.startedAt) : now;
  if (startedAt.getTime() > now.getTime()) throw new AppError(400, 'start_in_future', 'An incident cannot start in the future.');
  return incidents.insertIncident(db, { name: input.name, query: input.query, startedAt, createdBy: actorId, now });
}

export function toIncidentSummary(r: incidents.IncidentWithCreator): IncidentSummary {
  return {
    id: r.id,
    name: r.name,
    query: r.query,
    status: r.status,
    startedAt: r.started_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
  };
}

export async function listIncidents(db: Kysely<Database>, f: { status?: 'open' | 'closed'; limit: number }): Promise<IncidentSummary[]> {
  return (await incidents.listIncidents(db, f)).map(toIncidentSummary);
}

export async function incidentDetail(db: Kysely<Database>, id: number, now: Date): Promise<IncidentDetail> {
  return incidents.readIncident(db, (trx) => readDetail(trx, id, now));
}

async function readDetail(db: Kysely<Database>, id: number, now: Date): Promise<IncidentDetail> {
  const row = await incidents.getIncident(db, id);
  if (!row) throw notFound('Incident');
  const query = parseOrThrow(row.query);
  const from = row.started_at;
  const to = row.closed_at ?? new Date(Math.max(now.getTime(), from.getTime() + 60_000));
  const candidates = await incidents.incidentCandidates(db, { from, to, filter: prefilter(query), limit: MAX_CANDIDATES });
  const matches = compileQuery(query);
  const posts = candidates.filter((p) => matches({ text: p.text, authorHandle: p.authorHandle, lang: p.lang }));

  const authors = incidentAuthors(posts);
  const seenBefore = await incidents.authorsSeenBefore(db, authors, from);
  const newAuthors = new Set(authors.map((a) => authorKey(a.source, a.authorId)).filter((k) => !seenBefore.has(k)));
  const bucketMinutes = bucketMinutesFor(from, to);
  const buckets = timeline(posts, from, to, bucketMinutes, newAuthors);
  const topStories = stories(posts, 20);
  const shared = mostShared(posts, 10);
  // `posts` is newest first (the repository's order).
  const recent = posts.filter((p) => p.kind !== 'repost').slice(0, RECENT_POSTS);

  const ids = [...new Set([...topStories.map((s) => s.representativeId), ...shared.map((s) => s.id), ...recent.map((p) => p.id)])];
  // One after the other: a transaction is one connection.
  const views = await incidents.postsByIds(db, ids);
  const notes = await incidents.listNotes(db, id);
  const byId = new Map(views.map((v) => [Number(v.id), toPostView(v)]));
  const view = (postId: number) => byId.get(postId);
  const sum = (k: 'posts' | 'reposts' | 'positive' | 'negative' | 'neutral') => buckets.reduce((n, b) => n + b[k], 0);
  const totals = { posts: sum('posts'), reposts: sum('reposts'), positive: sum('positive'), negative: sum('negative'), neutral: sum('neutral') };
  const scored = totals.positive + totals.negative + totals.neutral;

  return {
    ...toIncidentSummary(row),
    window: { from: from.toISOString(), to: to.toISOString() },
    bucketMinutes,
    timeline: buckets.map((b) => ({ ...b, t: b.t.toISOString() })),
    totals: { ...totals, net: scored === 0 ? null : ((totals.positive - totals.negative) / scored) * 100 },
    stories: topStories.flatMap((s) => {
      const post = view(s.representativeId);
      return post ? [{ post, posts: s.posts, reposts: s.reposts, quotes: s.quotes, duplicates: s.duplicates, authors: s.authors, firstAt: s.firstAt.toISOString(), lastAt: s.lastAt.toISOString() }] : [];
    }),
    topPosts: shared.flatMap((s) => {
      const post = view(s.id);
      return post ? [{ post, shares: s.shares, observed: s.observed, reported: s.reported }] : [];
    }),
    voices: voices(posts, seenBefore, 10),
    posts: recent.flatMap((p) => view(p.id) ?? []),
    notes: notes.map((n) => ({ id: Number(n.id), authorId: n.author_id, authorName: n.author_name, text: n.text, createdAt: n.created_at.toISOString() })),
    truncated: candidates.length === MAX_CANDIDATES,
  };
}

export async function addIncidentNote(db: Kysely<Database>, id: number, text: string, actorId: number | null, now: Date): Promise<void> {
  if (await incidents.insertNoteIfOpen(db, id, actorId, text, now)) return;
  if (!(await incidents.getIncident(db, id))) throw notFound('Incident');
  throw new AppError(409, 'incident_closed', 'This incident is closed: it is kept as a record and takes no more notes.');
}

export async function closeIncident(db: Kysely<Database>, id: number, actorId: number | null, now: Date): Promise<void> {
  if (await incidents.closeIncident(db, id, actorId, now)) return;
  if (!(await incidents.getIncident(db, id))) throw notFound('Incident');
  throw new AppError(409, 'incident_closed', 'This incident is already closed.');
}

/**
 * Reads of one incident's war room, coalesced: every open tab refreshes on the same live event, so
 * their requests arrive together; while one read of an incident is running, the others wait for it
 * instead of scanning the window again. Nothing is kept once it has answered, so nothing goes stale.
 */
export class IncidentReader {
  private readonly running = new Map<number, Promise<IncidentDetail>>();

  constructor(private readonly read: (id: number) => Promise<IncidentDetail>) {}

  detail(id: number): Promise<IncidentDetail> {
    const current = this.running.get(id);
    if (current) return current;
    const next = this.read(id).finally(() => this.running.delete(id));
    this.running.set(id, next);
    return next;
  }
}

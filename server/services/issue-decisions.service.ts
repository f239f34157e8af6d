/**
 * People's decisions about issues (rename, status, merge, split) go through the grouping engine's
 * state as well as the issues table, in one transaction, so the engine keeps them: a renamed label
 * stays, merged issues keep receiving posts as one, split posts never merge back on their own.
 */
import type { Kysely } from 'kysely';
import { emptyGroupingState, IssueDecisionError, mergeIssues, renameIssue, setIssueStatus, splitIssue, type GroupingState, type IssueStatus } from '../analysis/issues';
import * as repo from '../db/repositories/derive.repository';
import type { Database } from '../db/tables';
import { AppError } from '../http/errors';
import { GROUPING_KEY, issueRow } from '../pipeline/derive';

interface Decision {
  state: GroupingState;
  touched: number[];
  /** Row changes that need the touched issues to exist (post links). Not named `then`: that would make the decision a thenable. */
  afterUpsert?: () => Promise<void>;
}

async function decide(db: Kysely<Database>, now: Date, change: (state: GroupingState, trx: Kysely<Database>) => Promise<Decision>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const state = (await repo.loadStateForUpdate<GroupingState>(trx, GROUPING_KEY)) ?? emptyGroupingState();
    let result: Decision;
    try {
      result = await change(state, trx);
    } catch (e) {
      if (e instanceof IssueDecisionError) throw new AppError(e.message.startsWith('no issue') ? 404 : 409, 'issue_decision', e.message);
      throw e;
    }
    await repo.upsertIssues(trx, result.touched.flatMap((id) => issueRow(result.state, id, now)));
    await result.afterUpsert?.();
    await repo.saveState(trx, GROUPING_KEY, result.state);
  });
}

export async function renameIssueLabel(db: Kysely<Database>, id: number, label: string, now: Date): Promise<void> {
  await decide(db, now, async (s) => ({ state: renameIssue(s, id, label), touched: [id] }));
}

export async function changeIssueStatus(db: Kysely<Database>, id: number, status: IssueStatus, now: Date): Promise<void> {
  await decide(db, now, async (s, trx) => {
    await trx.updateTable('issues').set({ status, updated_at: now }).where('id', '=', id).execute();
    return { state: setIssueStatus(s, id, status), touched: [id] };
  });
}

export async function mergeIssue(db: Kysely<Database>, fromId: number, intoId: number, now: Date): Promise<void> {
  if (fromId === intoId) throw new AppError(400, 'issue_decision', 'An issue cannot be merged into itself.');
  await decide(db, now, async (s, trx) => {
    return { state: mergeIssues(s, intoId, fromId), touched: [intoId, fromId], afterUpsert: () => repo.movePostIssues(trx, fromId, intoId) };
  });
}

/** Moves the given posts out of an issue into a new one; returns the new issue's id. */
export async function splitIssuePosts(db: Kysely<Database>, id: number, postIds: number[], label: string | undefined, now: Date): Promise<number> {
  let created: number | null = null;
  await decide(db, now, async (s, trx) => {
    const issue = await trx.selectFrom('issues').select(['subject_id']).where('id', '=', id).executeTakeFirst();
    if (!issue) throw new IssueDecisionError(`no issue ${id}`);
    const posts = await repo.postsForDerive(trx, postIds);
    const inputs = posts.map((p) => ({
      id: `${p.id}@${issue.subject_id}`,
      text: p.text,
      createdAt: new Date(p.created_at),
      authorId: p.author_id,
      subjectId: issue.subject_id,
      dedupeKey: p.dedupe_key ?? undefined,
      references: p.refs,
      isComplaintOrQuestion: true,
    }));
    const result = splitIssue(s, id, inputs);
    if (result.newIssueId === null) throw new AppError(400, 'issue_decision', 'None of those posts are in this issue (or they are too old to move).');
    created = result.newIssueId;
    let state = result.state;
    if (label) state = renameIssue(state, created, label);
    const newId = created;
    const moved = posts.filter((p) => state.seen[`${p.id}@${issue.subject_id}`]?.[0] === newId).map((p) => p.id);
    const afterUpsert = async () => {
      if (moved.length === 0) return;
      await trx.deleteFrom('post_issues').where('issue_id', '=', id).where('post_id', 'in', moved).execute();
      await repo.linkPostIssues(
        trx,
        moved.map((postId) => ({ postId, issueId: newId })),
      );
    };
    return { state, touched: [id, newId], afterUpsert };
  });
  return created!;
}

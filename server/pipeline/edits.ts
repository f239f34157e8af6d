/**
 * Edits at the network (a Bluesky record update, a Mastodon status.update): the stored post takes
 * the new text and its new analysis, and its counts move from the old analysis to the new one, the
 * way a deletion takes them out. Runs inside the batch's transaction, after its posts are stored.
 */
import type { Kysely } from 'kysely';
import { rollupChanges, type RollupInput } from '../analysis/rollups';
import { encodeBatch, markEdited, replaceEdited, storeBatch, type InsertedPost, type Replacement } from '../db/repositories/ingest.repository';
import { postsForEdit, type EditTarget } from '../db/repositories/posts.repository';
import { applyRollupDeltas } from '../db/repositories/rollups.repository';
import type { Database } from '../db/tables';
import type { Cursor, PostEdit } from '../sources/source';
import type { AnalyzedPost } from './analyzer';

/** An edit analysed, and whether the source would store it as a new post (it never stored the first version). */
export interface PreparedEdit {
  analyzed: AnalyzedPost;
  editedAt: Date;
  storeIfNew: boolean;
}

/** The newest edit of each post in a batch: only the last version counts (of two equally new, the later one). */
export function newestEdits(edits: PostEdit[]): PostEdit[] {
  const newest = new Map<string, PostEdit>();
  for (const e of edits) {
    const seen = newest.get(e.post.nativeId);
    if (!seen || e.editedAt >= seen.editedAt) newest.set(e.post.nativeId, e);
  }
  return [...newest.values()];
}

export interface EditsApplied {
  /** Edits of posts never stored that the source keeps: stored now, as new posts. */
  inserted: Array<InsertedPost & { analyzed: AnalyzedPost }>;
  /** Stored posts whose text an edit replaced. */
  replaced: number;
}

/**
 * Applies a batch's edits. An edit no newer than the stored version (a replay after a resume), or
 * of a post deleted at the network, changes nothing; an analyst's label on the post is kept.
 */
export async function applyEdits(trx: Kysely<Database>, source: { id: string; kind: string }, edits: PreparedEdit[], cursor: Cursor): Promise<EditsApplied> {
  const stored = new Map((await postsForEdit(trx, source.id, edits.map((e) => e.analyzed.post.nativeId))).map((t) => [t.nativeId, t]));
  const fresh: PreparedEdit[] = [];
  const replacements: Replacement[] = [];
  const removed: RollupInput[] = [];
  const added: RollupInput[] = [];
  for (const edit of edits) {
    const target = stored.get(edit.analyzed.post.nativeId);
    if (!target) {
      if (edit.storeIfNew) fresh.push(edit);
      continue;
    }
    if (target.deleted || (target.editedAt !== null && target.editedAt >= edit.editedAt)) continue;
    const replacement = replacementOf(target, edit);
    replacements.push(replacement);
    removed.push(countedAs(target, target.subjectIds, target.label, target.score, target.aspects));
    added.push(countedAs(target, [...new Set(edit.analyzed.subjectIds)], replacement.label, edit.analyzed.analysis.score, edit.analyzed.analysis.aspects));
  }

  let inserted: EditsApplied['inserted'] = [];
  if (fresh.length) {
    const rows = await storeBatch(trx, source, encodeBatch(fresh.map((e) => e.analyzed)), cursor);
    const byNativeId = new Map(fresh.map((e) => [e.analyzed.post.nativeId, e]));
    inserted = rows.map((r) => ({ ...r, analyzed: byNativeId.get(r.nativeId)!.analyzed }));
    await markEdited(trx, rows.map((r) => ({ id: r.id, editedAt: byNativeId.get(r.nativeId)!.editedAt })));
  }
  await replaceEdited(trx, replacements);
  // One delta per (subject, hour): a post that stays in its hour and subject moves between labels.
  await applyRollupDeltas(trx, rollupChanges(added, removed));
  return { inserted, replaced: replacements.length };
}

function replacementOf(target: EditTarget, edit: PreparedEdit): Replacement {
  const subjects = new Set(edit.analyzed.subjectIds);
  return {
    id: target.id,
    createdAt: target.createdAt,
    post: edit.analyzed,
    label: target.correctedLabel ?? edit.analyzed.analysis.label,
    editedAt: edit.editedAt,
    addSubjects: [...subjects].filter((s) => !target.subjectIds.includes(s)),
    removeSubjects: target.subjectIds.filter((s) => !subjects.has(s)),
  };
}

/** What a stored post counts for: its own time, kind and author, with this analysis. */
function countedAs(target: EditTarget, subjectIds: number[], label: string | null, score: number | null, aspects: RollupInput['aspects']): RollupInput {
  return { subjectIds, createdAt: target.createdAt, kind: target.kind, authorId: target.authorId, label, score, aspects };
}

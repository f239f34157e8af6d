/**
 * Issue grouping, the pure core. Usage from the derive step:
 *
 *   let state = loadState() ?? emptyGroupingState();
 *   const { state: next, assignments, changes } = groupPosts(state, posts, now);
 *   save(next); write assignments to post_issues; upsert `summarizeIssue(next, id, now)` for each change.
 *
 * The state is plain JSON (store it as is). Replaying posts is a no-op, so derive may run twice.
 */
export * from './types';
export { emptyGroupingState, forgetPostsBefore, groupPosts, groupPostsInPlace, subjectKeyOf, type GroupResult } from './grouping';
export { IssueDecisionError, mergeIssues, renameIssue, setIssueStatus, splitIssue } from './decisions';
export { growth, openIssues, summarizeIssue } from './summary';
export { isGroupable, looksLikeComplaintOrQuestion } from './groupable';
export { resolveIssueId } from './members';
export { extractReferences } from './references';

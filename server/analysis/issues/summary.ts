/** What the dashboard and the alerts show of an issue, computed from its state at a given time. */
import { keyTerms, sharedReferences } from './labels';
import { representatives } from './members';
import { defaultGroupingParams, type GroupingParams, type GroupingState, type IssueState, type IssueSummary } from './types';

/** Posts in (now - window, now] and in the window before. */
export function growth(issue: IssueState, now: number, windowMs: number): IssueSummary['growth'] {
  let last = 0;
  let previous = 0;
  for (const [k, n] of Object.entries(issue.timeline)) {
    const t = Number(k);
    if (t > now - windowMs && t <= now) last += n;
    else if (t > now - 2 * windowMs && t <= now - windowMs) previous += n;
  }
  return { last, previous, ratio: previous === 0 ? null : last / previous };
}

/** @example summarizeIssue(state, 1, now).label // "late deliveries" */
export function summarizeIssue(state: GroupingState, id: number, now: Date, params: Partial<GroupingParams> = {}): IssueSummary | null {
  const p = { ...defaultGroupingParams, ...params };
  const issue = state.issues[String(id)];
  if (!issue) return null;
  return {
    id: issue.id,
    subjectKey: issue.subjectKey,
    label: issue.label,
    keyTerms: keyTerms(issue, state.surface),
    sharedReferences: sharedReferences(issue),
    firstSeen: new Date(issue.firstSeen),
    lastSeen: new Date(issue.lastSeen),
    posts: issue.posts,
    distinctTexts: Object.keys(issue.texts).length,
    distinctAuthors: Object.keys(issue.authors).length,
    growth: growth(issue, now.getTime(), p.growthWindowMs),
    representativePostIds: representatives(issue),
    status: issue.status,
    lifecycle: issue.lifecycle,
    mergedInto: issue.mergedInto,
  };
}

/** Summaries of the issues still receiving posts (open), most recent first. */
export function openIssues(state: GroupingState, now: Date, params: Partial<GroupingParams> = {}): IssueSummary[] {
  return Object.values(state.issues)
    .filter((i) => i.lifecycle === 'open')
    .sort((a, b) => b.lastSeen - a.lastSeen || a.id - b.id)
    .map((i) => summarizeIssue(state, i.id, now, params) as IssueSummary);
}

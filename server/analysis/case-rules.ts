/**
 * Case rules: which new posts and issues open a case by themselves, and where that case goes.
 * Pure: the facts about each post and issue come in, the matches go out; the shell makes the cases.
 */
import type { CaseRoute, CaseRule } from '../../shared/api/case-rules';

export interface PostFacts {
  id: number;
  subjectIds: number[];
  issueIds: number[];
  sentiment: string | null;
  intent: string | null;
  refs: Array<{ type: string; value: string }>;
  aspects: string[];
  authorHandle: string | null;
}

export interface IssueFacts {
  id: number;
  subjectId: number | null;
  distinctAuthors: number;
}

export interface Destination {
  queue: string | null;
  assigneeId: number | null;
}

export interface RuleMatch {
  rule: CaseRule;
  /** What the case is opened from; a rule opens at most one case per target. */
  target: { kind: 'post' | 'issue'; id: number };
  destination: Destination;
}

/** Handles compared as the networks show them: case-insensitive, without the '@'. */
export const normalizeHandle = (h: string) => h.trim().replace(/^@/, '').toLowerCase();

/**
 * A customer is anyone but the subjects' own accounts.
 * @example isCustomer('@AcmeHelp', new Set(['acmehelp'])) // false
 */
export function isCustomer(handle: string | null, ownHandles: ReadonlySet<string>): boolean {
  return handle === null || !ownHandles.has(normalizeHandle(handle));
}

type PostTrigger = Extract<CaseRule['trigger'], { on: 'post' }>;
type IssueTrigger = Extract<CaseRule['trigger'], { on: 'issue' }>;

/** Whether a post meets every condition of a post trigger. */
export function postMatches(t: PostTrigger, p: PostFacts, ownHandles: ReadonlySet<string>): boolean {
  if (t.sentiment && p.sentiment !== t.sentiment) return false;
  if (t.intents?.length && !t.intents.includes(p.intent as never)) return false;
  if (t.reference && !p.refs.some((r) => t.reference === 'any' || r.type === t.reference)) return false;
  if (t.fromCustomer && !isCustomer(p.authorHandle, ownHandles)) return false;
  if (t.subjectIds?.length && !p.subjectIds.some((s) => t.subjectIds!.includes(s))) return false;
  if (t.aspects?.length && !p.aspects.some((a) => t.aspects!.includes(a as never))) return false;
  return true;
}

/** Whether an issue has crossed the trigger's threshold. */
export function issueMatches(t: IssueTrigger, i: IssueFacts): boolean {
  if (i.distinctAuthors < t.minAuthors) return false;
  return !t.subjectIds?.length || (i.subjectId !== null && t.subjectIds.includes(i.subjectId));
}

/**
 * The first route whose criteria all hold, else the rule's own destination.
 * @example routeFor({ queue: 'general', assigneeId: null, routes: [{ aspect: 'delivery', queue: 'logistics', assigneeId: null }] }, { subjectIds: [], issueIds: [], aspects: ['delivery'] }) // { queue: 'logistics', assigneeId: null }
 */
export function routeFor(rule: Destination & { routes: CaseRoute[] }, facts: { subjectIds: number[]; issueIds: number[]; aspects: string[] }): Destination {
  const hit = rule.routes.find(
    (r) =>
      (r.subjectId === undefined || facts.subjectIds.includes(r.subjectId)) &&
      (r.issueId === undefined || facts.issueIds.includes(r.issueId)) &&
      (r.aspect === undefined || facts.aspects.includes(r.aspect)),
  );
  const d = hit ?? rule;
  return { queue: d.queue, assigneeId: d.assigneeId };
}

/** Every (enabled rule, post or issue) pair that should open a case, in rule order. */
export function matchCaseRules(rules: CaseRule[], posts: PostFacts[], issues: IssueFacts[], ownHandles: ReadonlySet<string>): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const t = rule.trigger;
    if (t.on === 'post') {
      for (const p of posts) if (postMatches(t, p, ownHandles)) out.push({ rule, target: { kind: 'post', id: p.id }, destination: routeFor(rule, p) });
    } else {
      for (const i of issues)
        if (issueMatches(t, i)) out.push({ rule, target: { kind: 'issue', id: i.id }, destination: routeFor(rule, { subjectIds: i.subjectId === null ? [] : [i.subjectId], issueIds: [i.id], aspects: [] }) });
    }
  }
  return out;
}

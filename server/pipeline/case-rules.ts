/**
 * Cases opened by rules, inside the derive step's transaction: after the posts of a batch are
 * grouped, each enabled rule looks at those posts and the issues they touched, and opens a case,
 * routed to its queue or person, for each post or issue it has not opened one for before.
 */
import type { Kysely } from 'kysely';
import { matchCaseRules, type PostFacts } from '../analysis/case-rules';
import { addCaseEvent } from '../db/repositories/cases.repository';
import * as repo from '../db/repositories/case-rules.repository';
import { assignableIds } from '../db/repositories/users.repository';
import type { Database } from '../db/tables';
import { createCaseIn } from '../services/cases.service';

export interface OpenedByRule {
  caseId: number;
  ruleId: string;
}

/** Opens the cases the rules call for; returns them (to announce once the transaction commits). */
export async function applyCaseRules(trx: Kysely<Database>, input: { postIds: number[]; issueIds: number[] }, now: Date): Promise<OpenedByRule[]> {
  const rules = (await repo.loadCaseRules(trx)).filter((r) => r.enabled);
  if (rules.length === 0) return [];
  const wantPosts = rules.some((r) => r.trigger.on === 'post');
  const wantIssues = rules.some((r) => r.trigger.on === 'issue');
  const [postRows, issueRows, handles] = await Promise.all([
    wantPosts ? repo.postsForCaseRules(trx, input.postIds) : [],
    wantIssues ? repo.issuesForCaseRules(trx, input.issueIds) : [],
    rules.some((r) => r.trigger.on === 'post' && r.trigger.fromCustomer) ? repo.subjectHandles(trx) : [],
  ]);
  const posts: PostFacts[] = postRows.map((p) => ({
    id: p.id,
    subjectIds: p.subject_ids,
    issueIds: p.issue_ids,
    sentiment: p.sentiment_label,
    intent: p.intent,
    refs: p.refs,
    aspects: p.aspects.map((a) => a.aspect),
    authorHandle: p.author_handle,
  }));
  const issues = issueRows.map((i) => ({ id: i.id, subjectId: i.subject_id, distinctAuthors: i.distinct_authors }));
  const matches = matchCaseRules(rules, posts, issues, new Set(handles));
  if (matches.length === 0) return [];
  // A rule may still name a person who has since been disabled: the case then goes to the queue only.
  const people = await assignableIds(trx, [...new Set(matches.flatMap((m) => (m.destination.assigneeId === null ? [] : [m.destination.assigneeId])))]);
  const opened: OpenedByRule[] = [];
  for (const m of matches) {
    const target = `${m.target.kind}:${m.target.id}`;
    if (!(await repo.claimRuleMatch(trx, m.rule.id, target, now))) continue;
    const assigneeId = m.destination.assigneeId !== null && people.has(m.destination.assigneeId) ? m.destination.assigneeId : undefined;
    const caseId = await createCaseIn(
      trx,
      {
        postIds: m.target.kind === 'post' ? [m.target.id] : [],
        issueId: m.target.kind === 'issue' ? m.target.id : undefined,
        priority: m.rule.priority,
        assigneeId,
        queue: m.destination.queue ?? undefined,
        tags: m.rule.tags,
        kind: 'customer',
      },
      null,
      now,
    );
    await repo.setRuleMatchCase(trx, m.rule.id, target, caseId);
    await addCaseEvent(trx, caseId, 'opened_by_rule', null, { ruleId: m.rule.id, rule: m.rule.name, queue: m.destination.queue, assigneeId: assigneeId ?? null }, now);
    opened.push({ caseId, ruleId: m.rule.id });
  }
  return opened;
}

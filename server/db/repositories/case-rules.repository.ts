import { sql, type Kysely, type Transaction } from 'kysely';
import { caseRule, type CaseRule } from '../../../shared/api/case-rules';
import type { Database } from '../tables';
import { loadSetting, saveSetting } from './settings.repository';

type Db = Kysely<Database> | Transaction<Database>;
const KEY = 'cases.rules';

/** The deployment's case rules, in evaluation order. A stored rule that no longer parses is left out. */
export async function loadCaseRules(db: Db): Promise<CaseRule[]> {
  const stored = (await loadSetting<unknown[]>(db, KEY)) ?? [];
  return stored.flatMap((r) => {
    const parsed = caseRule.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

export async function saveCaseRules(db: Db, rules: CaseRule[]): Promise<void> {
  await saveSetting(db, KEY, rules);
}

/** Every handle the subjects post from (lower-case, no '@'): their posts are not a customer's. */
export async function subjectHandles(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('subjects').select('handles').execute();
  return rows.flatMap((r) => r.handles.map((h) => h.trim().replace(/^@/, '').toLowerCase()));
}

export interface RulePostRow {
  id: number;
  sentiment_label: string | null;
  intent: string | null;
  refs: Array<{ type: string; value: string }>;
  aspects: Array<{ aspect: string; polarity: number }>;
  author_handle: string | null;
  subject_ids: number[];
  issue_ids: number[];
}

/**
 * The facts case rules look at, for the posts that may open a case: originals and replies still
 * there, not already part of an open case (a follow-up joins its case instead of opening another).
 */
export async function postsForCaseRules(db: Db, ids: number[]): Promise<RulePostRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<RulePostRow>`
    select p.id, p.sentiment_label, p.intent, p.refs, p.aspects, p.author_handle,
      coalesce((select array_agg(ps.subject_id order by ps.subject_id) from post_subjects ps where ps.post_id = p.id), '{}') as subject_ids,
      coalesce((select array_agg(pi.issue_id order by pi.issue_id) from post_issues pi where pi.post_id = p.id), '{}') as issue_ids
    from posts p
    where p.id = any(${ids}::bigint[]) and p.kind <> 'repost' and p.deleted_at is null
      and not exists (
        select 1 from case_links l join cases c on c.id = l.case_id
        where l.post_id = p.id and c.status in ('new', 'open', 'waiting_customer', 'waiting_supplier'))
    order by p.created_at, p.id`.execute(db);
  return r.rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** The issues rules may open a case for: live (not merged away, not resolved). */
export async function issuesForCaseRules(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('issues')
    .select(['id', 'subject_id', 'distinct_authors'])
    .where('id', 'in', ids)
    .where('merged_into', 'is', null)
    .where('status', '<>', 'resolved')
    .orderBy('id')
    .execute();
}

/** Of these user ids, the ones that exist (a rule may name a person since removed). */
/**
 * Claims (rule, target) for a new case; false when the rule already opened one for it. Under a
 * concurrent claim the second waits for the first to commit, then gets false.
 */
export async function claimRuleMatch(db: Db, ruleId: string, target: string, at: Date): Promise<boolean> {
  const row = await db
    .insertInto('case_rule_matches')
    .values({ rule_id: ruleId, target, case_id: null, created_at: at })
    .onConflict((oc) => oc.columns(['rule_id', 'target']).doNothing())
    .returning('rule_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setRuleMatchCase(db: Db, ruleId: string, target: string, caseId: number): Promise<void> {
  await db.updateTable('case_rule_matches').set({ case_id: caseId }).where('rule_id', '=', ruleId).where('target', '=', target).execute();
}

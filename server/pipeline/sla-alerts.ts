/**
 * SLA breach alerts, checked at every derive tick: a case's first-response or resolution deadline
 * passing raises one 'sla_breach' alert per case and clock, delivered like every other alert; the
 * alert resolves once the clock is settled. cases.service also resolves it at once on a response.
 */
import type { Kysely } from 'kysely';
import { breachedClocks, clockSettled, parseSlaConditionKey, type SlaCase } from '../analysis/sla-breach';
import { openOrUpdateAlert, resolveOpenAlert } from '../db/repositories/alerts.repository';
import { addCaseEvent } from '../db/repositories/cases.repository';
import * as repo from '../db/repositories/sla-alerts.repository';
import type { AlertRow, Database } from '../db/tables';
import type { EventHub } from './events';
import { queueAlertDeliveries } from './notify';

const OPEN = new Set(['new', 'open', 'waiting_customer', 'waiting_supplier']);

const toSlaCase = (r: repo.SlaCaseRow): SlaCase => ({
  id: r.id,
  title: r.title,
  priority: r.priority,
  open: OPEN.has(r.status),
  createdAt: r.created_at,
  firstResponseDue: r.first_response_due,
  firstRespondedAt: r.first_responded_at,
  resolutionDue: r.resolution_due,
  resolvedAt: r.resolved_at,
});

/** Opens the breach alerts now due and resolves those whose clock has settled; announces both. */
export async function checkSlaBreaches(deps: { db: Kysely<Database>; events: EventHub }, now: Date): Promise<{ opened: number; resolved: number }> {
  const changed: AlertRow[] = [];
  let opened = 0;
  await deps.db.transaction().execute(async (trx) => {
    const rows = await repo.casesPastDueWithoutAlert(trx, now);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const b of breachedClocks(rows.map(toSlaCase), now)) {
      const c = byId.get(b.caseId)!;
      // The query returns a case when either clock is due; the other may already have had its alert.
      if (b.clock === 'first_response' ? c.first_response_alerted : c.resolution_alerted) continue;
      const alert = await openOrUpdateAlert(trx, {
        kind: 'sla_breach',
        conditionKey: b.key,
        subjectId: c.subject_id,
        issueId: c.issue_id,
        source: null,
        windowStart: c.created_at,
        windowEnd: b.due,
        expected: b.allowedMin,
        observed: b.elapsedMin,
        severity: b.severity,
        why: { summary: b.summary, observed: b.elapsedMin, expected: b.allowedMin, since: b.due.toISOString(), series: [], topTerms: [], postIds: [], sources: {}, distinctAuthors: 0, caseId: b.caseId, clock: b.clock },
        at: now,
      });
      await queueAlertDeliveries(trx, alert, now);
      await addCaseEvent(trx, b.caseId, 'sla_breached', null, { clock: b.clock, due: b.due.toISOString(), alertId: alert.id }, now);
      changed.push(alert);
      opened++;
    }
    const keys = (await repo.unresolvedSlaAlertKeys(trx)).flatMap((k) => {
      const parsed = parseSlaConditionKey(k);
      return parsed ? [{ key: k, ...parsed }] : [];
    });
    const cases = new Map((await repo.slaCases(trx, [...new Set(keys.map((k) => k.caseId))])).map((r) => [r.id, toSlaCase(r)]));
    for (const k of keys) {
      const c = cases.get(k.caseId);
      if (c && !clockSettled(c, k.clock)) continue;
      const row = await resolveOpenAlert(trx, k.key, now);
      if (row) changed.push(row);
    }
  });
  for (const a of changed) deps.events.publish('alert', { id: a.id, kind: a.kind, status: a.status, subjectId: a.subject_id, severity: a.severity });
  return { opened, resolved: changed.length - opened };
}

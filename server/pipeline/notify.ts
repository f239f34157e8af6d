/**
 * Delivers alerts to the configured targets (signed webhooks, Slack-compatible webhooks, e-mail).
 * Deliveries are queued in the same transaction that opens or escalates an alert, then sent by a
 * loop with capped backoff; failures stay visible per alert (attempts, last error).
 */
import type { Kysely, Transaction } from 'kysely';
import type { AlertTargetInput } from '../../shared/api/targets';
import type { SecretBox } from '../auth/secrets';
import type { Clock } from '../clock';
import { getAlert } from '../db/repositories/alerts.repository';
import * as repo from '../db/repositories/deliveries.repository';
import type { AlertRow, Database } from '../db/tables';
import type { Logger } from '../logger';
import { backoffDelay } from '../sources/backoff';
import { errorMessage } from '../sources/health';
import type { AlertMessage, Notifier } from '../notify/notifier';

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;
export const MAX_ATTEMPTS = 8;
const RETRY = { baseMs: 30_000, capMs: 3_600_000, minMs: 5_000 };

/** Queues a delivery to every enabled target whose minimum severity the alert reaches. */
export async function queueAlertDeliveries(trx: Transaction<Database> | Kysely<Database>, alert: AlertRow, at: Date): Promise<void> {
  const targets = await repo.loadTargets(trx);
  const due = targets.filter((t) => t.enabled && SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[t.minSeverity]);
  await repo.enqueueDeliveries(
    trx,
    alert.id,
    due.map((t) => t.id),
    at,
  );
}

export class AlertDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly controller = new AbortController();

  constructor(
    private readonly deps: { db: Kysely<Database>; clock: Clock; logger: Logger; publicUrl: string },
    private readonly notifiers: Record<AlertTargetInput['kind'], Notifier>,
    private readonly secrets: SecretBox,
  ) {}

  /** Sends what is due; returns how many deliveries were attempted. */
  async runOnce(): Promise<number> {
    const now = this.deps.clock.now();
    const due = await repo.leaseDueDeliveries(this.deps.db, now, 120_000, 20);
    if (due.length === 0) return 0;
    const targets = new Map((await repo.loadTargets(this.deps.db)).map((t) => [t.id, t]));
    for (const d of due) {
      const attempts = d.attempts + 1;
      try {
        const target = targets.get(d.target);
        if (!target) throw new Error(`target '${d.target}' no longer exists`);
        const alert = await getAlert(this.deps.db, d.alert_id);
        if (!alert) throw new Error(`alert ${d.alert_id} no longer exists`);
        const escalated = await repo.hasSentBefore(this.deps.db, d.alert_id, d.target, d.id);
        const unsealed = { ...target, secret: target.secret ? this.secrets.open(target.secret) : undefined };
        await this.notifiers[target.kind].deliver(unsealed, this.message(alert, escalated ? 'alert.escalated' : 'alert.opened'), this.controller.signal);
        await repo.recordDelivery(this.deps.db, d.id, { status: 'sent', attempts, nextAttemptAt: null, error: null, at: this.deps.clock.now() });
      } catch (error) {
        const last = attempts >= MAX_ATTEMPTS;
        const next = last ? null : new Date(this.deps.clock.now().getTime() + backoffDelay(attempts - 1, RETRY));
        this.deps.logger.warn({ delivery: d.id, target: d.target, attempts, err: errorMessage(error) }, last ? 'alert delivery failed for good' : 'alert delivery failed; will retry');
        await repo.recordDelivery(this.deps.db, d.id, { status: last ? 'failed' : 'pending', attempts, nextAttemptAt: next, error: errorMessage(error), at: this.deps.clock.now() });
      }
    }
    return due.length;
  }

  start(intervalMs: number): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'alert dispatch failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort();
    await this.running;
  }

  private message(a: NonNullable<Awaited<ReturnType<typeof getAlert>>>, event: AlertMessage['event']): AlertMessage {
    const why = a.why as { summary?: string; since?: string; topTerms?: string[]; distinctAuthors?: number };
    return {
      event,
      alert: {
        id: a.id,
        kind: a.kind,
        severity: a.severity,
        status: a.status,
        subject: a.subject_name,
        issue: a.issue_label,
        source: a.source,
        observed: a.observed,
        expected: a.expected,
        since: why.since ?? a.window_start.toISOString(),
        summary: why.summary ?? `${a.kind.replace(/_/g, ' ')} for ${a.subject_name ?? a.source ?? 'a source'}`,
        topTerms: why.topTerms ?? [],
        distinctAuthors: why.distinctAuthors ?? 0,
        url: `${this.deps.publicUrl.replace(/\/$/, '')}/alerts?alert=${a.id}`,
      },
    };
  }
}

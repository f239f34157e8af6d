import { afterAll, beforeAll, expect, test } from 'vitest';
import { deriveSecretKey, secretBox } from '../../server/auth/secrets';
import type { Clock } from '../../server/clock';
import { openOrUpdateAlert } from '../../server/db/repositories/alerts.repository';
import { deliveriesForAlert, saveTargets } from '../../server/db/repositories/deliveries.repository';
import { insertSubject } from '../../server/db/repositories/subjects.repository';
import { createLogger } from '../../server/logger';
import { emailNotifier, Mailer } from '../../server/notify/email.notifier';
import { slackNotifier, signPayload, webhookNotifier } from '../../server/notify/webhook.notifier';
import { AlertDispatcher, MAX_ATTEMPTS, queueAlertDeliveries } from '../../server/pipeline/notify';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.fake';
import { startFakeWebhook, type FakeWebhook } from '../fakes/webhook.fake';
import { describeEachDatabase } from '../support/databases';

describeEachDatabase('alert delivery', (db) => {
  let now = new Date('2026-06-01T10:00:00Z');
  const clock: Clock = { now: () => now, sleep: async () => {} };
  let hook: FakeWebhook;
  let slack: FakeWebhook;
  let smtp: FakeSmtp;
  let mailer: Mailer;
  let dispatcher: AlertDispatcher;
  let subjectId: number;
  let n = 0;
  const box = secretBox(deriveSecretKey('test key material for alert delivery'));

  beforeAll(async () => {
    [hook, slack, smtp] = await Promise.all([startFakeWebhook(), startFakeWebhook(), startFakeSmtp()]);
    mailer = new Mailer(smtp.url, 'earshot@example.test');
    subjectId = (await insertSubject(db().db, { kind: 'supplier', name: 'Kestrel <Plastics>', query: 'kestrel' })).id;
    await saveTargets(db().db, [
      { id: 'ops-hook', kind: 'webhook', name: 'Ops', enabled: true, minSeverity: 'warning', url: `${hook.url}/earshot`, secret: box.seal('a-very-secret-signing-key') },
      { id: 'team-chat', kind: 'slack', name: 'Chat', enabled: true, minSeverity: 'critical', url: `${slack.url}/services/T0/B0/x` },
      { id: 'quality-mail', kind: 'email', name: 'Quality', enabled: true, minSeverity: 'warning', to: ['quality@example.test'] },
      { id: 'muted', kind: 'webhook', name: 'Off', enabled: false, minSeverity: 'info', url: `${hook.url}/muted` },
    ]);
    dispatcher = new AlertDispatcher({ db: db().db, clock, logger: createLogger('silent'), publicUrl: 'http://earshot.test' }, { webhook: webhookNotifier(clock.now), slack: slackNotifier, email: emailNotifier(mailer) }, box);
  });
  afterAll(async () => {
    mailer?.close();
    await Promise.all([hook?.close(), slack?.close(), smtp?.close()]);
  });

  const openAlert = async (severity: 'info' | 'warning' | 'critical') => {
    const alert = await openOrUpdateAlert(db().db, {
      kind: 'volume_spike',
      conditionKey: `volume_spike:subject:${subjectId}:${n++}`,
      subjectId,
      issueId: null,
      source: null,
      windowStart: new Date(now.getTime() - 600_000),
      windowEnd: now,
      expected: 2.5,
      observed: 41,
      severity,
      why: { summary: '41 posts in 10 minutes, 2.5 expected', since: '2026-06-01T09:50:00.000Z', topTerms: ['cracked', 'housing', 'batch 42'], distinctAuthors: 37 },
      at: now,
    });
    await queueAlertDeliveries(db().db, alert, now);
    return alert;
  };

  test('a critical alert reaches the signed webhook, the chat and the mailbox; the disabled target gets nothing', async () => {
    const alert = await openAlert('critical');
    expect(await dispatcher.runOnce()).toBe(3);
    const req = hook.received.find((r) => r.path === '/earshot')!;
    const body = JSON.parse(req.body) as { event: string; alert: { id: number; url: string; distinctAuthors: number } };
    expect(body.event).toBe('alert.opened');
    expect(body.alert).toMatchObject({ id: alert.id, distinctAuthors: 37, url: `http://earshot.test/alerts?alert=${alert.id}` });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-earshot-signature']))!;
    expect(v1).toBe(signPayload('a-very-secret-signing-key', Number(t), req.body));
    expect(hook.received.some((r) => r.path === '/muted')).toBe(false);
    const chat = JSON.parse(slack.received[0]!.body) as { text: string };
    expect(chat.text).toContain('Kestrel &lt;Plastics&gt;');
    expect(chat.text).toContain(`<http://earshot.test/alerts?alert=${alert.id}|Open in Earshot>`);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['quality@example.test']);
    expect(subjectOf(smtp.messages[0]!.raw)).toBe('[CRITICAL] volume spike — Kestrel <Plastics>: 41 vs 2.5 expected');
    expect(smtp.messages[0]!.raw).toContain('37 distinct authors.');
    expect(smtp.messages[0]!.raw).not.toMatch(/content-type: text\/html/i);
    const deliveries = await deliveriesForAlert(db().db, alert.id);
    expect(deliveries.map((d) => [d.target, d.status, d.attempts])).toEqual([
      ['ops-hook', 'sent', 1],
      ['team-chat', 'sent', 1],
      ['quality-mail', 'sent', 1],
    ]);
  });

  test('a failing receiver is retried with growing delays until it answers, and the failure is visible meanwhile', async () => {
    hook.received.length = 0;
    smtp.messages.length = 0;
    hook.failNext(2, 503);
    smtp.rejectNext(1);
    const alert = await openAlert('warning');
    await dispatcher.runOnce();
    let d = await deliveriesForAlert(db().db, alert.id);
    expect(d.map((x) => [x.target, x.status, x.attempts])).toEqual([
      ['ops-hook', 'pending', 1],
      ['quality-mail', 'pending', 1],
    ]);
    expect(d[0]!.last_error).toMatch(/503/);
    expect(d[1]!.last_error).toMatch(/451|busy/);
    // Nothing is due before the backoff has passed.
    expect(await dispatcher.runOnce()).toBe(0);
    const firstWait = d[0]!.next_attempt_at!.getTime() - now.getTime();
    now = new Date(now.getTime() + 3_600_000);
    await dispatcher.runOnce();
    d = await deliveriesForAlert(db().db, alert.id);
    expect(d.map((x) => [x.status, x.attempts])).toEqual([
      ['pending', 2],
      ['sent', 2],
    ]);
    expect(d[0]!.next_attempt_at!.getTime() - now.getTime()).toBeGreaterThanOrEqual(5_000);
    expect(firstWait).toBeGreaterThanOrEqual(5_000);
    now = new Date(now.getTime() + 3_600_000);
    await dispatcher.runOnce();
    expect((await deliveriesForAlert(db().db, alert.id))[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(hook.received).toHaveLength(1);
  });

  test(`a receiver that never recovers is marked failed after ${MAX_ATTEMPTS} attempts, not retried forever`, async () => {
    hook.failNext(1000, 500);
    const alert = await openAlert('warning');
    for (let i = 0; i < MAX_ATTEMPTS + 3; i++) {
      await dispatcher.runOnce();
      now = new Date(now.getTime() + 2 * 3_600_000);
    }
    const d = (await deliveriesForAlert(db().db, alert.id)).find((x) => x.target === 'ops-hook')!;
    expect(d).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    hook.failNext(0);
  });
});

/** The Subject header of a raw message, with RFC 2047 encoded-words decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1]!.replace(/\r\n[ \t]/g, ' ');
  return header.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s?/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

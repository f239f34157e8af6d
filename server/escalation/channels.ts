/**
 * How an escalation reaches the supplier: an e-mail with the evidence attached (evidence.json and
 * posts.csv), or a webhook POST of the evidence signed like alert webhooks
 * (`x-earshot-signature: t=<unix seconds>,v1=<hmac-sha256 of "<t>.<body>">`).
 */
import { evidenceCsv, evidenceText, type Evidence } from '../analysis/escalation/evidence';
import type { Mailer } from '../notify/email.notifier';
import { signPayload } from '../notify/webhook.notifier';

export type Contact = { kind: 'email'; to: string[] } | { kind: 'webhook'; url: string; secret?: string | null };

export class EscalationDeliveryError extends Error {}

export async function deliverEscalation(contact: Contact, evidence: Evidence, deps: { mailer: Mailer | null; now: () => Date }): Promise<string> {
  const subject = `Non-conformance #${evidence.caseId}: ${evidence.issue.label}`;
  if (contact.kind === 'email') {
    if (!deps.mailer) throw new EscalationDeliveryError('E-mail is not set up on this server (SMTP_URL).');
    try {
      const id = await deps.mailer.send({
        to: contact.to,
        subject,
        text: evidenceText(evidence),
        attachments: [
          { filename: 'evidence.json', content: JSON.stringify(evidence, null, 2), contentType: 'application/json' },
          { filename: 'posts.csv', content: evidenceCsv(evidence), contentType: 'text/csv' },
        ],
      });
      return `e-mail to ${contact.to.join(', ')}${id ? ` (${id})` : ''}`;
    } catch (e) {
      throw new EscalationDeliveryError(`the e-mail could not be sent: ${(e as Error).message}`);
    }
  }
  const body = JSON.stringify({ event: 'supplier.escalated', subject, evidence });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Earshot' };
  if (contact.secret) {
    const t = Math.floor(deps.now().getTime() / 1000);
    headers['x-earshot-signature'] = `t=${t},v1=${signPayload(contact.secret, t, body)}`;
  }
  let res: Response;
  try {
    res = await fetch(contact.url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new EscalationDeliveryError(`could not reach ${new URL(contact.url).host}: ${(e as Error).message}`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new EscalationDeliveryError(`${new URL(contact.url).host} answered ${res.status}`);
  return `webhook to ${new URL(contact.url).host}`;
}

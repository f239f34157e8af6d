import { createHmac } from 'node:crypto';
import type { Notifier } from './notifier';
import { DeliveryError, headline } from './notifier';

/** HMAC-SHA256 over `<timestamp>.<body>`, so a receiver can check origin and refuse replays. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

async function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'Earshot', ...headers }, signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
  } catch (e) {
    throw new DeliveryError(`could not reach ${new URL(url).host}: ${(e as Error).message}`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new DeliveryError(`${new URL(url).host} answered ${res.status}`);
}

/** A JSON POST signed with `x-earshot-signature: t=<unix seconds>,v1=<hex>`. */
export const webhookNotifier = (now: () => Date): Notifier => ({
  async deliver(target, message, signal) {
    if (!target.url) throw new DeliveryError('the webhook target has no URL');
    const body = JSON.stringify(message);
    const t = Math.floor(now().getTime() / 1000);
    const headers: Record<string, string> = { 'x-earshot-event': message.event };
    if (target.secret) headers['x-earshot-signature'] = `t=${t},v1=${signPayload(target.secret, t, body)}`;
    await post(target.url, body, headers, signal);
  },
});

/** Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat): `{ text }` with a link. */
export const slackNotifier: Notifier = {
  async deliver(target, message, signal) {
    if (!target.url) throw new DeliveryError('the Slack target has no URL');
    const a = message.alert;
    // Slack's mrkdwn treats <, > and & specially: escape them so alert text stays text.
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const text = `${esc(headline(message))}\n${esc(a.summary)}${a.topTerms.length ? `\nTerms: ${esc(a.topTerms.join(', '))}` : ''}\n<${a.url}|Open in Earshot>`;
    await post(target.url, JSON.stringify({ text }), {}, signal);
  },
};

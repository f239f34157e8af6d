import { createTransport, type Transporter } from 'nodemailer';
import type { Notifier } from './notifier';
import { DeliveryError, headline } from './notifier';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

/** Sends plain-text mail over SMTP (nodemailer): post text is untrusted, so no HTML body at all. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.transport = createTransport({
      host: url.hostname,
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      // A local relay without TLS (or a test server) is allowed only when the URL says so.
      ignoreTLS: url.searchParams.get('tls') === 'off',
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(mail: Mail): Promise<string> {
    try {
      const info = await this.transport.sendMail({ from: this.from, to: mail.to, subject: oneLine(mail.subject), text: mail.text, attachments: mail.attachments });
      return String(info.messageId);
    } catch (e) {
      throw new DeliveryError(`SMTP: ${(e as Error).message}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}

// A subject with a newline could smuggle headers; mail libraries guard too, but keep it one line.
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 200);

export const emailNotifier = (mailer: Mailer | null): Notifier => ({
  async deliver(target, message) {
    if (!mailer) throw new DeliveryError('no SMTP server is configured (SMTP_URL)');
    if (!target.to?.length) throw new DeliveryError('the e-mail target has no recipients');
    const a = message.alert;
    const lines = [
      headline(message),
      '',
      a.summary,
      `Observed ${Math.round(a.observed)}, expected ${a.expected.toFixed(1)}, since ${a.since}.`,
      a.distinctAuthors ? `${a.distinctAuthors} distinct authors.` : '',
      a.topTerms.length ? `Top terms: ${a.topTerms.join(', ')}` : '',
      '',
      `Open it: ${a.url}`,
    ].filter((l, i, all) => l !== '' || all[i - 1] !== '');
    await mailer.send({ to: target.to, subject: headline(message), text: lines.join('\n') });
  },
});

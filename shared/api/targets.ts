import { z } from 'zod';

export const targetKind = z.enum(['webhook', 'slack', 'email']);

/** Where alerts are delivered. Secrets are write-only: the API never returns them. */
export const alertTarget = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes'),
  kind: targetKind,
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  minSeverity: z.enum(['info', 'warning', 'critical']).default('warning'),
  /** webhook and slack: where to POST. */
  url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  /** email: recipients. */
  to: z.array(z.email()).max(50).optional(),
});
export type AlertTarget = z.infer<typeof alertTarget>;

export const alertTargetInput = alertTarget.extend({
  /** webhook: HMAC-SHA256 key for the x-earshot-signature header. */
  secret: z.string().min(16).max(200).optional(),
});
export type AlertTargetInput = z.infer<typeof alertTargetInput>;

export const alertTargetsResponse = z.object({ targets: z.array(alertTarget.extend({ hasSecret: z.boolean() })) });

export const deliveryView = z.object({
  id: z.number(),
  alertId: z.number(),
  target: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export const deliveriesResponse = z.object({ deliveries: z.array(deliveryView) });

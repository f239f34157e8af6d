/**
 * Replies to posts: drafts, candidate drafts from templates, the approval steps, sending, and the
 * accounts replies are posted from (credentials write-only).
 */
import { z } from 'zod';
import { casePriority } from './cases';

export const replyNetwork = z.enum(['x', 'bluesky', 'mastodon']);
export type ReplyNetwork = z.infer<typeof replyNetwork>;
export const replyStatus = z.enum(['draft', 'submitted', 'approved', 'rejected', 'sending', 'sent', 'failed', 'unconfirmed']);
export type ReplyStatusName = z.infer<typeof replyStatus>;

const body = z.string().max(5000);
const note = z.string().trim().min(1).max(2000);

export const replyCount = z.object({
  network: replyNetwork,
  length: z.number(),
  limit: z.number(),
  remaining: z.number(),
  fits: z.boolean(),
  problem: z.string().nullable(),
});
export type ReplyCount = z.infer<typeof replyCount>;

export const toneCheck = z.object({
  ok: z.boolean(),
  score: z.number(),
  flags: z.array(z.object({ kind: z.enum(['negative', 'defensive', 'shouting']), text: z.string().nullable(), hint: z.string() })),
});
export type ToneCheckView = z.infer<typeof toneCheck>;

export const replyView = z.object({
  id: z.number(),
  caseId: z.number().nullable(),
  postId: z.number().nullable(),
  inReplyTo: z.string().nullable(),
  network: replyNetwork,
  body: z.string(),
  status: replyStatus,
  needsApproval: z.boolean(),
  authorId: z.number().nullable(),
  approverId: z.number().nullable(),
  reviewNote: z.string().nullable(),
  sentId: z.string().nullable(),
  sentUrl: z.string().nullable(),
  sentAt: z.string().nullable(),
  lastError: z.string().nullable(),
  attempts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  count: replyCount,
  tone: toneCheck,
});
export type ReplyView = z.infer<typeof replyView>;

export const repliesResponse = z.object({ replies: z.array(replyView) });

export const replyTemplate = z.object({
  id: z.string().trim().regex(/^[a-z0-9-]{1,40}$/, 'an id is 1-40 lowercase letters, digits and -'),
  name: z.string().trim().min(1).max(80),
  text: z.string().trim().min(1).max(2000),
});
export const templatesView = z.object({
  templates: z.array(replyTemplate),
  variables: z.record(z.string(), z.string()),
});
export const templatesInput = z.object({ templates: z.array(replyTemplate).max(100) });

export const approvalRules = z.object({
  always: z.boolean(),
  priorities: z.array(casePriority),
  openAlert: z.boolean(),
});

/** POST /api/replies/candidates: drafts from every template the case can fill. */
export const candidatesInput = z.object({
  caseId: z.number().int().positive(),
  postId: z.number().int().positive().optional(),
  network: replyNetwork.optional(),
});
export const candidatesView = z.object({
  network: replyNetwork,
  needsApproval: z.boolean(),
  approvalReasons: z.array(z.string()),
  candidates: z.array(z.object({ templateId: z.string(), name: z.string(), body: z.string(), count: replyCount, tone: toneCheck })),
  skipped: z.array(z.object({ templateId: z.string(), name: z.string(), reason: z.string() })),
});
export type CandidatesView = z.infer<typeof candidatesView>;

/** POST /api/replies/preview: a text or a template, filled, counted and checked. */
export const previewInput = z
  .object({
    caseId: z.number().int().positive().optional(),
    postId: z.number().int().positive().optional(),
    text: body.optional(),
    template: z.string().max(2000).optional(),
    network: replyNetwork.optional(),
  })
  .refine((p) => (p.text === undefined) !== (p.template === undefined), { message: 'give either text or template' });
export const previewView = z.object({ body: z.string(), counts: z.array(replyCount), tone: toneCheck });

export const replyCreate = z.object({
  caseId: z.number().int().positive(),
  /** The post replied to; by default the case's first post. */
  postId: z.number().int().positive().optional(),
  /** By default the network the post came from. */
  network: replyNetwork.optional(),
  body: body.refine((b) => b.trim() !== '', 'a reply needs some text'),
});
export const replyPatch = z.object({ body: body.refine((b) => b.trim() !== '', 'a reply needs some text') });
export const sendBackInput = z.object({ note });
/** POST /api/replies/:id/check: a person looked at the network after an unconfirmed send. */
export const checkInput = z.discriminatedUnion('posted', [
  z.object({ posted: z.literal(true), sentId: z.string().trim().min(1).max(200), sentUrl: z.url({ protocol: /^https?$/ }).max(2000).optional() }),
  z.object({ posted: z.literal(false) }),
]);

export const xReplySecrets = z.union([
  /** An OAuth 2.0 user-context access token with tweet.write. */
  z.object({ accessToken: z.string().trim().min(1).max(2000) }).strict(),
  /** OAuth 1.0a user context. */
  z.object({ appKey: z.string().trim().min(1).max(500), appSecret: z.string().trim().min(1).max(500), accessToken: z.string().trim().min(1).max(500), accessSecret: z.string().trim().min(1).max(500) }).strict(),
]);
export const blueskyReplySecrets = z.object({ identifier: z.string().trim().min(1).max(300), appPassword: z.string().trim().min(1).max(300) }).strict();
export const mastodonReplySecrets = z.object({ accessToken: z.string().trim().min(1).max(2000) }).strict();
export const replySecretsByNetwork = { x: xReplySecrets, bluesky: blueskyReplySecrets, mastodon: mastodonReplySecrets } as const;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
/** PUT /api/reply-accounts/:network. Secrets may be left out to keep the stored ones. */
export const replyAccountInput = z.object({
  handle: z.string().trim().min(1).max(300),
  /** X: an override of https://api.x.com; Bluesky: the PDS (default https://bsky.social); Mastodon: the instance. */
  baseUrl: httpUrl.nullable().default(null),
  /** Mastodon instances may allow more than 500 characters. */
  maxCharacters: z.number().int().min(1).max(100_000).nullable().default(null),
  secrets: z.record(z.string(), z.string().max(2000)).optional(),
});
export const replyAccountView = z.object({
  network: replyNetwork,
  handle: z.string(),
  baseUrl: z.string().nullable(),
  maxCharacters: z.number().nullable(),
  hasSecrets: z.boolean(),
  updatedAt: z.string(),
});
export const replyAccountsResponse = z.object({ accounts: z.array(replyAccountView) });

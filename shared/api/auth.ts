/**
 * Accounts, sessions, API tokens and the audit log: the requests the server parses and the responses
 * the dashboard parses, one schema for both.
 */
import { z } from 'zod';

export const roles = ['admin', 'analyst', 'responder', 'approver', 'viewer', 'supplier'] as const;
export const role = z.enum(roles);
export type Role = z.infer<typeof role>;

/**
 * What an API token may do, within its owner's role: `read` the GET routes, `write` also change
 * things, `ingest` only push posts to POST /api/ingest (the webhook's token).
 */
export const tokenScopes = ['read', 'write', 'ingest'] as const;
export const tokenScope = z.enum(tokenScopes);
export type TokenScope = z.infer<typeof tokenScope>;

// Names are shown to other people (user lists, the audit log): control characters and bidi
// overrides would let one name disguise itself as another, so they are refused, not stored.
// eslint-disable-next-line no-control-regex
const disguising = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const displayName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(200)
  .refine((s) => !disguising.test(s), 'must not contain control, zero-width or text-direction characters');

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

/** A password someone chooses: long rather than complicated. */
export const newPassword = z.string().min(12, 'must be at least 12 characters').max(1024);

export const loginRequest = z.object({
  email: z.string().trim().min(1, 'is required').max(254),
  password: z.string().min(1, 'is required').max(1024),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const user = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role,
  supplierSubjectId: z.number().int().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof user>;

/** GET /api/session and the answer to a login: who is signed in and the token writes must echo. */
export const sessionResponse = z.object({
  user,
  /** Send as the `x-csrf-token` header on every POST/PATCH/PUT/DELETE; null when signed in with an API token. */
  csrfToken: z.string().nullable(),
  via: z.enum(['session', 'token']),
  expiresAt: z.string().nullable(),
});
export type SessionResponse = z.infer<typeof sessionResponse>;

export const logoutEverywhereResponse = z.object({ sessionsEnded: z.number().int() });

export const userCreate = z
  .object({
    email,
    name: displayName,
    role,
    /** Omitted: the server makes a random one and returns it once. */
    password: newPassword.optional(),
    supplierSubjectId: z.number().int().positive().nullable().default(null),
  })
  .strict()
  .refine((u) => (u.role === 'supplier') === (u.supplierSubjectId !== null), {
    message: 'a supplier user needs supplierSubjectId, and only a supplier user has one',
    path: ['supplierSubjectId'],
  });
export type UserCreate = z.infer<typeof userCreate>;

export const userPatch = z
  .object({
    name: displayName.optional(),
    role: role.optional(),
    supplierSubjectId: z.number().int().positive().nullable().optional(),
    disabled: z.boolean().optional(),
    password: newPassword.optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof userPatch>;

export const userList = z.object({ users: z.array(user) });
/** The answer to an admin's password reset: a generated password, shown once. */
export const passwordReset = z.object({ password: z.string() });
export const sessionsEnded = z.object({ sessionsEnded: z.number().int() });

/** The answer to creating a user: the generated password, shown once, when none was given. */
export const userCreated = user.extend({ password: z.string().nullable() });

export const tokenCreate = z.object({ name: displayName, scope: tokenScope }).strict();
export type TokenCreate = z.infer<typeof tokenCreate>;

export const apiToken = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  userEmail: z.string(),
  name: z.string(),
  scope: tokenScope,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;
export const tokenList = z.object({ tokens: z.array(apiToken) });
/** The token itself is in this answer and nowhere else, ever. */
export const tokenCreated = apiToken.extend({ token: z.string() });

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
  action: z.string().regex(/^[a-z_.]{1,60}$/, 'must be an action name such as login.failed').optional(),
  actor: z.coerce.number().int().positive().optional(),
});
export const auditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditList = z.object({ entries: z.array(auditEntry), next: z.number().int().nullable() });

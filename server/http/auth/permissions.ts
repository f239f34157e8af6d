/**
 * Who may call what: THE one table of every API route, "METHOD /api/path" → the roles allowed and
 * the API-token scopes that may call it. The auth gate looks every request up here; a route that is
 * not in the table answers 403 to everyone, so a route someone forgets to list is closed, never open.
 * test/integration/permissions.test.ts enumerates the app's routes and fails on any without an entry.
 */
import type { Role, TokenScope } from '../../../shared/api/auth';

export interface Rule {
  /** 'public': no sign-in needed. */
  roles: readonly Role[] | 'public';
  /** Token scopes that may call the route (within the owner's role); empty: signed-in browsers only. */
  scopes: readonly TokenScope[];
}

const PUBLIC: Rule = { roles: 'public', scopes: [] };
const STAFF: readonly Role[] = ['admin', 'analyst', 'responder', 'approver', 'viewer'];
const EVERYONE: readonly Role[] = [...STAFF, 'supplier'];

/** A read every staff role may make. */
const read: Rule = { roles: STAFF, scopes: ['read', 'write'] };
/** A change admins and the named roles may make. */
const write = (...roles: Role[]): Rule => ({ roles: ['admin', ...roles], scopes: ['write'] });
/** Account management: a browser session only, so a leaked token cannot mint tokens or users. */
const sessionOnly = (roles: readonly Role[]): Rule => ({ roles, scopes: [] });

export const permissions: Readonly<Record<string, Rule>> = {
  // Public.
  'GET /api/health': PUBLIC,
  'POST /api/session': PUBLIC,

  // Your own session and tokens.
  'GET /api/session': { roles: EVERYONE, scopes: ['read', 'write', 'ingest'] },
  'DELETE /api/session': sessionOnly(EVERYONE),
  'DELETE /api/sessions': sessionOnly(EVERYONE),
  'GET /api/tokens': sessionOnly(STAFF),
  'POST /api/tokens': sessionOnly(STAFF),
  'DELETE /api/tokens/:id': sessionOnly(STAFF),

  // Administration.
  'GET /api/users': sessionOnly(['admin']),
  'POST /api/users': sessionOnly(['admin']),
  'PATCH /api/users/:id': sessionOnly(['admin']),
  'DELETE /api/users/:id/sessions': sessionOnly(['admin']),
  'POST /api/users/:id/password': sessionOnly(['admin']),
  'GET /api/audit': { roles: ['admin'], scopes: ['read', 'write'] },
  // Every staff member who can export a table records that they did.
  'POST /api/audit/exports': sessionOnly(STAFF),
  // Alert targets hold webhook URLs (a Slack URL is itself a credential): not for every reader.
  'GET /api/settings/alert-targets': { roles: ['admin', 'analyst'], scopes: ['read', 'write'] },
  'PUT /api/settings/alert-targets': write(),
  'POST /api/ingest': { roles: ['admin'], scopes: ['ingest', 'write'] },
  // Sources hold network credentials: admins configure them; analysts may see them and their health.
  'GET /api/sources': { roles: ['admin', 'analyst'], scopes: ['read', 'write'] },
  'POST /api/sources': write(),
  'POST /api/sources/test': write(),
  'POST /api/sources/:id/pause': write(),
  'POST /api/sources/:id/resume': write(),
  'DELETE /api/sources/:id': write(),

  // Reads.
  'GET /api/stats/overview': read,
  'GET /api/stats/scorecard': read,
  'GET /api/mentions': read,
  'GET /api/posts/:id/rationale': read,
  'GET /api/subjects': read,
  'GET /api/subjects/:id': read,
  'GET /api/subject-groups': read,
  'GET /api/issues': read,
  'GET /api/issues/:id': read,
  'GET /api/alerts': read,
  'GET /api/alerts/:id/deliveries': read,
  'GET /api/cases': read,
  'GET /api/cases/metrics': read,
  'GET /api/cases/assignees': read,
  'GET /api/cases/:id': read,
  'GET /api/events': read,
  'GET /api/incidents': read,
  'GET /api/incidents/:id': read,

  // Analysts: subjects, issues, labels, alerts.
  'POST /api/subjects': write('analyst'),
  'PATCH /api/subjects/:id': write('analyst'),
  'DELETE /api/subjects/:id': write('analyst'),
  'POST /api/subjects/preview': write('analyst'),
  'POST /api/subject-groups': write('analyst'),
  'DELETE /api/subject-groups/:id': write('analyst'),
  'PATCH /api/issues/:id': write('analyst'),
  'POST /api/issues/:id/merge': write('analyst'),
  'POST /api/issues/:id/split': write('analyst'),
  // Escalating an issue to its supplier (a supplier case with the evidence, sent to the contact).
  'POST /api/issues/:id/escalate': write('analyst'),
  'POST /api/posts/:id/label': write('analyst'),
  'PATCH /api/alerts/:id': write('analyst'),

  // Responders: cases (and reply drafts when they come; approvers approve and send them).
  'POST /api/cases': write('responder'),
  'PATCH /api/cases/:id': write('responder'),
  'POST /api/cases/:id/notes': write('responder'),
  'POST /api/cases/:id/responded': write('responder'),
  // Rules that open cases by themselves, and where those cases go.
  'GET /api/case-rules': read,
  'PUT /api/case-rules': write('responder'),
  // Reference patterns per deployment (order, claim, lot numbers...), checked before they are saved.
  'GET /api/reference-patterns': read,
  'PUT /api/reference-patterns': write('analyst'),
  'POST /api/reference-patterns/test': write('analyst'),

  // Replies: responders draft and submit, approvers approve or send back. Send is open to
  // responders too, and the service lets them send only replies that need no approval.
  'GET /api/replies/templates': read,
  'GET /api/replies/rules': read,
  'GET /api/cases/:id/replies': read,
  'GET /api/replies/:id': read,
  'PUT /api/replies/templates': write(),
  'PUT /api/replies/rules': write(),
  'POST /api/replies/preview': write('responder', 'approver'),
  'POST /api/replies/candidates': write('responder'),
  'POST /api/replies': write('responder'),
  'PATCH /api/replies/:id': write('responder'),
  'POST /api/replies/:id/submit': write('responder'),
  'POST /api/replies/:id/approve': write('approver'),
  'POST /api/replies/:id/send-back': write('approver'),
  'POST /api/replies/:id/send': write('approver', 'responder'),
  'POST /api/replies/:id/check': write('approver'),
  // The accounts replies are posted from hold credentials: admins, in a browser session.
  'GET /api/reply-accounts': sessionOnly(['admin']),
  'PUT /api/reply-accounts/:network': sessionOnly(['admin']),
  'DELETE /api/reply-accounts/:network': sessionOnly(['admin']),

  // Incident mode: whoever works an incident (analysts, responders) starts it, notes and closes it.
  'POST /api/incidents': write('analyst', 'responder'),
  'POST /api/incidents/:id/notes': write('analyst', 'responder'),
  'POST /api/incidents/:id/close': write('analyst', 'responder'),

  // Suppliers: only their own supplier's cases, scoped on the server by the account's supplier subject.
  'GET /api/supplier/cases': sessionOnly(['supplier']),
  'GET /api/supplier/cases/:id': sessionOnly(['supplier']),
  'POST /api/supplier/cases/:id/acknowledge': sessionOnly(['supplier']),
};

interface Compiled {
  key: string;
  method: string;
  regex: RegExp;
  /** Literal segments outrank parameters: /cases/metrics before /cases/:id. */
  literals: number;
  rule: Rule;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches like express's default router: case-insensitive, an optional trailing slash, `:name` = one segment. */
export function compile(table: Readonly<Record<string, Rule>>): Compiled[] {
  return Object.entries(table)
    .map(([key, rule]) => {
      const [method, path] = key.split(' ') as [string, string];
      const segments = path.split('/').filter(Boolean);
      const source = segments.map((s) => (s.startsWith(':') ? '[^/]+' : escape(s))).join('/');
      return { key, method, regex: new RegExp(`^/${source}/?$`, 'i'), literals: segments.filter((s) => !s.startsWith(':')).length, rule };
    })
    .sort((a, b) => b.literals - a.literals);
}

const compiled = compile(permissions);

/** The entry for a request, or null (deny). HEAD is checked as GET, as express routes it. */
export function findRule(method: string, path: string, table: Compiled[] = compiled): { key: string; rule: Rule } | null {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const hit = table.find((c) => c.method === m && c.regex.test(path));
  return hit ? { key: hit.key, rule: hit.rule } : null;
}

export type Decision = 'allow' | 'unauthenticated' | 'forbidden' | 'no_entry' | 'scope';

/** The gate's verdict for a caller (null: anonymous) on a request. */
export function decide(method: string, path: string, caller: { role: Role; scope: TokenScope | null } | null): Decision {
  const found = findRule(method, path);
  if (found?.rule.roles === 'public') return 'allow';
  if (!caller) return 'unauthenticated';
  if (!found) return 'no_entry';
  if (!(found.rule.roles as readonly Role[]).includes(caller.role)) return 'forbidden';
  if (caller.scope !== null && !found.rule.scopes.includes(caller.scope)) return 'scope';
  return 'allow';
}

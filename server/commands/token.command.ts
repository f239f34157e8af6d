import { parseArgs } from 'node:util';
import { z } from 'zod';
import { tokenScope } from '../../shared/api/auth';
import { audit } from '../auth/audit';
import { hashToken, newApiToken } from '../auth/tokens';
import type { Command } from '../cli';
import { getToken, insertToken, listTokens, revokeToken } from '../db/repositories/tokens.repository';
import { getUserByEmail } from '../db/repositories/users.repository';
import { UsageError, withDatabase } from './user.command';

const USAGE = `earshot token create --email E --scope read|write|ingest --name N
earshot token list [--email E]
earshot token revoke --id ID

API tokens for scripts and webhooks, sent as "Authorization: Bearer es_…". A token acts as its
owner within its scope: read (GET routes), write (also changes), ingest (only POST /api/ingest, for
admins' webhook tokens). The token is printed once; only its hash is stored.`;

export const command: Command = {
  summary: 'create, list and revoke API tokens',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    let values: Record<string, string | undefined>;
    try {
      ({ values } = parseArgs({ args: rest, options: { email: { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' } }, strict: true }));
    } catch (e) {
      console.error(`earshot token: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    try {
      if (sub === 'create') return await create(values);
      if (sub === 'list') return await list(values);
      if (sub === 'revoke') return await revoke(values);
      console.error(`earshot token: ${sub ? `unknown subcommand '${sub}'` : 'which subcommand?'}\n\n${USAGE}`);
      return 2;
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`earshot token ${sub}: ${e.message}`);
      return 2;
    }
  },
};

async function create(v: Record<string, string | undefined>): Promise<number> {
  if (!v.email || !v.scope || !v.name?.trim()) throw new UsageError('--email, --scope and --name are required');
  const scope = tokenScope.safeParse(v.scope);
  if (!scope.success) throw new UsageError(`--scope must be one of ${tokenScope.options.join(', ')}`);
  return withDatabase(async (db) => {
    const user = await getUserByEmail(db, v.email!);
    if (!user) throw new UsageError(`no account has the e-mail address ${v.email}`);
    if (user.disabled_at) throw new UsageError(`${user.email} is disabled`);
    if (scope.data === 'ingest' && user.role !== 'admin') throw new UsageError('ingest tokens belong to admins (ingest is an admin route)');
    const token = newApiToken();
    const row = await insertToken(db, { userId: user.id, name: v.name!.trim().slice(0, 200), scope: scope.data, tokenHash: hashToken(token), now: new Date() });
    await audit(db, { actorId: null, action: 'token.created', target: { type: 'token', id: row.id }, details: { via: 'cli', name: row.name, scope: row.scope, owner: user.id } });
    console.error(`Created ${scope.data} token "${row.name}" (id ${row.id}) for ${user.email}. It is shown once, below:`);
    console.log(token);
    return 0;
  });
}

async function list(v: Record<string, string | undefined>): Promise<number> {
  return withDatabase(async (db) => {
    const user = v.email ? await getUserByEmail(db, v.email) : undefined;
    if (v.email && !user) throw new UsageError(`no account has the e-mail address ${v.email}`);
    for (const t of await listTokens(db, user ? { userId: user.id } : {})) {
      const state = t.revoked_at ? 'revoked' : t.last_used_at ? `last used ${t.last_used_at.toISOString()}` : 'never used';
      console.log([String(t.id), t.email, t.scope, t.name, state].join('\t'));
    }
    return 0;
  });
}

async function revoke(v: Record<string, string | undefined>): Promise<number> {
  const id = z.coerce.number().int().positive().safeParse(v.id);
  if (!id.success) throw new UsageError('--id must be a token id (earshot token list shows them)');
  return withDatabase(async (db) => {
    const row = await getToken(db, id.data);
    if (!row) throw new UsageError(`no token has id ${id.data}`);
    if (await revokeToken(db, id.data, new Date())) await audit(db, { actorId: null, action: 'token.revoked', target: { type: 'token', id: id.data }, details: { via: 'cli', name: row.name } });
    console.log(`Revoked token ${id.data} ("${row.name}").`);
    return 0;
  });
}

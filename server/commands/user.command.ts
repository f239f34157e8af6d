import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { email as emailSchema, newPassword, role as roleSchema } from '../../shared/api/auth';
import { audit } from '../auth/audit';
import { hashPassword, randomPassword } from '../auth/passwords';
import type { Command } from '../cli';
import { loadConfigOrReport } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { deleteUserSessions } from '../db/repositories/sessions.repository';
import { getSubject } from '../db/repositories/subjects.repository';
import { countActiveAdmins, getUserByEmail, insertUser, listUsers, updateUser } from '../db/repositories/users.repository';
import type { Database, UserRow } from '../db/tables';

const USAGE = `earshot user add --email E --role R [--name N] [--password P] [--supplier-subject ID]
earshot user reset-password --email E [--password P]
earshot user disable --email E
earshot user enable --email E
earshot user list

Manages accounts from the command line (for the first admin, and for getting back in).
Roles: admin, analyst, responder, approver, viewer, supplier (a supplier user needs
--supplier-subject, the id of their supplier's subject). Without --password a random password is
printed once; a password given on the command line ends up in the shell's history, so prefer the
printed one. Resetting a password or disabling an account ends the account's sessions.`;

/** Opens the configured database, brought up to date, for a command; closes it after. */
export async function withDatabase(fn: (db: Kysely<Database>) => Promise<number>): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return 2;
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

export class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } }, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`--${flag} ${r.error.issues[0]?.message ?? 'is not valid'}`);
  return r.data;
}

async function findUser(db: Kysely<Database>, email: string): Promise<UserRow> {
  const user = await getUserByEmail(db, email);
  if (!user) throw new UsageError(`no account has the e-mail address ${email}`);
  return user;
}

const cli = { actorId: null, details: { via: 'cli' } };

export const command: Command = {
  summary: 'add, list, disable users and reset their passwords',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    let values: Record<string, string | undefined>;
    try {
      ({ values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, 'supplier-subject': { type: 'string' } }, strict: true }));
    } catch (e) {
      console.error(`earshot user: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    try {
      switch (sub) {
        case 'add':
          return await add(values);
        case 'reset-password':
          return await resetPassword(values);
        case 'disable':
        case 'enable':
          return await setDisabled(values, sub === 'disable');
        case 'list':
          return await list();
        default:
          console.error(`earshot user: ${sub ? `unknown subcommand '${sub}'` : 'which subcommand?'}\n\n${USAGE}`);
          return 2;
      }
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`earshot user ${sub}: ${e.message}`);
      return 2;
    }
  },
};

async function add(v: Record<string, string | undefined>): Promise<number> {
  const email = parse(emailSchema, required(v.email, 'email'), 'email');
  const role = parse(roleSchema, required(v.role, 'role'), 'role');
  const password = v.password === undefined ? null : parse(newPassword, v.password, 'password');
  const supplierSubjectId = v['supplier-subject'] === undefined ? null : Number(v['supplier-subject']);
  if ((role === 'supplier') !== (supplierSubjectId !== null)) throw new UsageError('--supplier-subject is required for, and only for, the supplier role');
  return withDatabase(async (db) => {
    if (supplierSubjectId !== null && (await getSubject(db, supplierSubjectId))?.kind !== 'supplier') throw new UsageError(`subject ${v['supplier-subject']} is not a supplier`);
    if (await getUserByEmail(db, email)) throw new UsageError(`an account with the e-mail address ${email} exists`);
    const generated = password ? null : randomPassword();
    const name = v.name?.trim() || email.split('@')[0]!;
    const user = await insertUser(db, { email, name, role, supplierSubjectId, passwordHash: await hashPassword(password ?? generated!) });
    await audit(db, { ...cli, action: 'user.created', target: { type: 'user', id: user.id }, details: { via: 'cli', email, role } });
    console.log(`Created ${role} ${email} (id ${user.id}).`);
    if (generated) console.log(`Password (shown once): ${generated}`);
    return 0;
  });
}

async function resetPassword(v: Record<string, string | undefined>): Promise<number> {
  const email = required(v.email, 'email');
  const password = v.password === undefined ? null : parse(newPassword, v.password, 'password');
  return withDatabase(async (db) => {
    const user = await findUser(db, email);
    const generated = password ? null : randomPassword();
    await updateUser(db, user.id, { passwordHash: await hashPassword(password ?? generated!) }, new Date());
    const ended = await deleteUserSessions(db, user.id);
    await audit(db, { ...cli, action: 'user.password_changed', target: { type: 'user', id: user.id } });
    console.log(`New password set for ${user.email}; ${ended} session(s) ended.`);
    if (generated) console.log(`Password (shown once): ${generated}`);
    return 0;
  });
}

async function setDisabled(v: Record<string, string | undefined>, disable: boolean): Promise<number> {
  const email = required(v.email, 'email');
  return withDatabase(async (db) => {
    const user = await findUser(db, email);
    if (disable && user.role === 'admin' && !user.disabled_at && (await countActiveAdmins(db)) <= 1) throw new UsageError(`${user.email} is the last active admin: add another admin first`);
    await updateUser(db, user.id, { disabledAt: disable ? (user.disabled_at ?? new Date()) : null }, new Date());
    const ended = disable ? await deleteUserSessions(db, user.id) : 0;
    await audit(db, { ...cli, action: disable ? 'user.disabled' : 'user.enabled', target: { type: 'user', id: user.id } });
    console.log(disable ? `Disabled ${user.email}; ${ended} session(s) ended, its API tokens stop working.` : `Enabled ${user.email}.`);
    return 0;
  });
}

async function list(): Promise<number> {
  return withDatabase(async (db) => {
    const users = await listUsers(db);
    const rows = users.map((u) => [String(u.id), u.email, u.role, u.disabled_at ? 'disabled' : 'active', u.name]);
    const header = ['ID', 'EMAIL', 'ROLE', 'STATUS', 'NAME'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows]) console.log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
    return 0;
  });
}

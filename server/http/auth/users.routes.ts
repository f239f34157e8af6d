import express, { Router } from 'express';
import { z } from 'zod';
import { auditQuery, userCreate, userPatch } from '../../../shared/api/auth';
import { audit } from '../../auth/audit';
import { hashPassword, randomPassword } from '../../auth/passwords';
import { listAudit } from '../../db/repositories/audit.repository';
import { deleteUserSessions } from '../../db/repositories/sessions.repository';
import { getSubject } from '../../db/repositories/subjects.repository';
import { countActiveAdmins, getUser, insertUser, listUsers, updateUser, type UserChanges } from '../../db/repositories/users.repository';
import { AppError, notFound } from '../errors';
import type { AuthContext } from './context';
import { clearedSessionCookie } from './cookies';
import { isSecure } from './gate';
import { requirePrincipal } from './principal';
import { toAuditEntry, toUser } from './views';

const idParam = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });
const smallJson = express.json({ limit: '16kb' });

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';

/** Users and the audit log: admins only (the permission table says so). */
export function usersRoutes(ctx: AuthContext): Router {
  const router = Router();
  const db = ctx.db;

  const checkSupplier = async (subjectId: number | null) => {
    if (subjectId === null) return;
    const subject = await getSubject(db, subjectId);
    if (!subject || subject.kind !== 'supplier') throw new AppError(400, 'invalid_request', `supplierSubjectId: subject ${subjectId} is not a supplier.`);
  };

  router.get('/users', async (_req, res) => {
    res.json({ users: (await listUsers(db)).map(toUser) });
  });

  router.post('/users', smallJson, async (req, res) => {
    const p = requirePrincipal(req);
    const input = userCreate.parse(req.body);
    await checkSupplier(input.supplierSubjectId);
    const generated = input.password ? null : randomPassword();
    const row = await insertUser(db, { email: input.email, name: input.name, role: input.role, supplierSubjectId: input.supplierSubjectId, passwordHash: await hashPassword(input.password ?? generated!) }).catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new AppError(409, 'duplicate_email', 'An account with that e-mail address exists.');
      throw e;
    });
    await audit(db, { actorId: p.user.id, action: 'user.created', target: { type: 'user', id: row.id }, details: { email: row.email, role: row.role }, ip: req.ip ?? null, at: ctx.now() });
    res.status(201).json({ ...toUser(row), password: generated });
  });

  router.patch('/users/:id', smallJson, async (req, res) => {
    const p = requirePrincipal(req);
    const { id } = idParam.parse(req.params);
    const patch = userPatch.parse(req.body);
    const before = await getUser(db, id);
    if (!before) throw notFound('User');
    const now = ctx.now();
    const role = patch.role ?? before.role;
    const supplierSubjectId = role === 'supplier' ? (patch.supplierSubjectId !== undefined ? patch.supplierSubjectId : before.supplier_subject_id) : null;
    if (role === 'supplier' && supplierSubjectId === null) throw new AppError(400, 'invalid_request', 'supplierSubjectId: a supplier user needs the supplier subject they belong to.');
    if (role !== 'supplier' && patch.supplierSubjectId != null) throw new AppError(400, 'invalid_request', 'supplierSubjectId: only a supplier user has one.');
    await checkSupplier(supplierSubjectId);
    const disabling = patch.disabled === true && before.disabled_at === null;
    const stopsBeingAdmin = before.role === 'admin' && before.disabled_at === null && (role !== 'admin' || disabling);
    if (stopsBeingAdmin && (await countActiveAdmins(db)) <= 1) throw new AppError(409, 'last_admin', 'This is the last active admin: make another admin first.');

    const changes: UserChanges = { supplierSubjectId };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.role !== undefined) changes.role = patch.role;
    if (patch.password !== undefined) changes.passwordHash = await hashPassword(patch.password);
    if (patch.disabled !== undefined) changes.disabledAt = patch.disabled ? (before.disabled_at ?? now) : null;
    const after = await db.transaction().execute(async (tx) => {
      const row = (await updateUser(tx, id, changes, now))!;
      // A new password or a disabled account ends every session; so does a change of role or of
      // supplier, so no browser keeps acting with the old rights.
      if (patch.password !== undefined || disabling || role !== before.role || supplierSubjectId !== before.supplier_subject_id) await deleteUserSessions(tx, id);
      const base = { actorId: p.user.id, target: { type: 'user', id }, ip: req.ip ?? null, at: now };
      if (role !== before.role) await audit(tx, { ...base, action: 'user.role_changed', details: { from: before.role, to: role } });
      if (patch.password !== undefined) await audit(tx, { ...base, action: 'user.password_changed' });
      if (disabling) await audit(tx, { ...base, action: 'user.disabled' });
      if (patch.disabled === false && before.disabled_at !== null) await audit(tx, { ...base, action: 'user.enabled' });
      if (patch.name !== undefined && patch.name !== before.name) await audit(tx, { ...base, action: 'user.updated', details: { name: patch.name } });
      return row;
    });
    res.json(toUser(after));
  });

  // A reset made by an admin: the server picks the password, so it never crosses the network twice.
  router.post('/users/:id/password', async (req, res) => {
    const p = requirePrincipal(req);
    const { id } = idParam.parse(req.params);
    if (!(await getUser(db, id))) throw notFound('User');
    const password = randomPassword();
    const now = ctx.now();
    const passwordHash = await hashPassword(password);
    await db.transaction().execute(async (tx) => {
      await updateUser(tx, id, { passwordHash }, now);
      await deleteUserSessions(tx, id);
      await audit(tx, { actorId: p.user.id, action: 'user.password_changed', target: { type: 'user', id }, details: { via: 'reset' }, ip: req.ip ?? null, at: now });
    });
    if (id === p.user.id) res.append('set-cookie', clearedSessionCookie(isSecure(ctx, req)));
    res.setHeader('cache-control', 'no-store');
    res.json({ password });
  });

  // Logout everywhere for someone else: a lost laptop, a leaver, a suspicion.
  router.delete('/users/:id/sessions', async (req, res) => {
    const p = requirePrincipal(req);
    const { id } = idParam.parse(req.params);
    if (!(await getUser(db, id))) throw notFound('User');
    const ended = await deleteUserSessions(db, id);
    await audit(db, { actorId: p.user.id, action: 'logout.everywhere', target: { type: 'user', id }, details: { sessionsEnded: ended }, ip: req.ip ?? null, at: ctx.now() });
    if (id === p.user.id) res.append('set-cookie', clearedSessionCookie(isSecure(ctx, req)));
    res.json({ sessionsEnded: ended });
  });

  router.get('/audit', async (req, res) => {
    const q = auditQuery.parse(req.query);
    const rows = await listAudit(db, { limit: q.limit + 1, before: q.before, action: q.action, actorId: q.actor });
    const page = rows.slice(0, q.limit);
    res.json({ entries: page.map(toAuditEntry), next: rows.length > q.limit ? page[page.length - 1]!.id : null });
  });
  return router;
}

import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  approvalRules,
  candidatesInput,
  checkInput,
  previewInput,
  replyAccountInput,
  replyCreate,
  replyNetwork,
  replyPatch,
  replySecretsByNetwork,
  sendBackInput,
  templatesInput,
  type ReplyNetwork,
} from '../../../shared/api/replies';
import { candidateDrafts, insertedValues } from '../../analysis/replies/candidates';
import { countAll, countFor } from '../../analysis/replies/count';
import { renderTemplate, TEMPLATE_VARIABLES, TemplateError, templateVariables } from '../../analysis/replies/templates';
import { toneCheck } from '../../analysis/replies/tone';
import { audit } from '../../auth/audit';
import type { SecretBox } from '../../auth/secrets';
import type { Clock } from '../../clock';
import type { DatabaseHandle } from '../../db/database';
import * as repo from '../../db/repositories/replies.repository';
import type { ReplyAccountRow } from '../../db/tables';
import type { EventHub } from '../../pipeline/events';
import { ReplyAccounts, type SenderSource } from '../../replies/accounts';
import { approveReply, approvalFor, caseReplies, createDraft, editDraft, loadRules, loadTemplates, replyContext, replyView, RULES_KEY, sendBack, submitReply, TEMPLATES_KEY, type Actor } from '../../replies/replies.service';
import { checkReply, sendReply } from '../../replies/send.service';
import { requirePrincipal } from '../auth/principal';
import { AppError } from '../errors';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const networkParam = z.object({ network: replyNetwork });

function actorOf(req: Request): Actor {
  const p = requirePrincipal(req);
  return { id: p.user.id, name: p.user.name, role: p.user.role, ip: req.ip ?? null };
}

/** A template problem is the client's: 400 with the variable named. */
function templateError(e: unknown): never {
  if (e instanceof TemplateError) throw new AppError(400, e.code, e.message, { variable: e.variable });
  throw e;
}

const accountView = (a: ReplyAccountRow) => ({ network: a.network, handle: a.handle, baseUrl: a.base_url, maxCharacters: a.max_characters, hasSecrets: Boolean(a.secrets), updatedAt: a.updated_at.toISOString() });

export function repliesRoutes(deps: { database: DatabaseHandle; clock: Clock; events: EventHub; secrets: SecretBox; replySenders?: SenderSource }): Router {
  const router = Router();
  const db = deps.database.db;
  const senders = deps.replySenders ?? new ReplyAccounts(db, deps.secrets);
  const now = () => deps.clock.now();
  const changed = (caseId: number | null, status: string) => {
    if (caseId !== null) deps.events.publish('case', { id: caseId, status: `reply ${status}` });
  };

  router.get('/replies/templates', async (_req, res) => {
    res.json({ templates: await loadTemplates(db), variables: TEMPLATE_VARIABLES });
  });

  router.put('/replies/templates', async (req, res) => {
    const { templates } = templatesInput.parse(req.body);
    const ids = new Set<string>();
    for (const t of templates) {
      if (ids.has(t.id)) throw new AppError(400, 'duplicate_template', `Two templates are named "${t.id}".`);
      ids.add(t.id);
      try {
        templateVariables(t.text);
      } catch (e) {
        if (e instanceof TemplateError) throw new AppError(400, e.code, `Template "${t.id}": ${e.message}`, { template: t.id, variable: e.variable });
        throw e;
      }
    }
    await repo.putSetting(db, TEMPLATES_KEY, templates, now());
    await audit(db, { actorId: actorOf(req).id, action: 'settings.changed', target: { type: 'setting', id: TEMPLATES_KEY }, details: { templates: templates.map((t) => t.id) }, ip: req.ip ?? null });
    res.json({ templates, variables: TEMPLATE_VARIABLES });
  });

  router.get('/replies/rules', async (_req, res) => {
    res.json(await loadRules(db));
  });

  router.put('/replies/rules', async (req, res) => {
    const rules = approvalRules.parse(req.body);
    await repo.putSetting(db, RULES_KEY, rules, now());
    await audit(db, { actorId: actorOf(req).id, action: 'settings.changed', target: { type: 'setting', id: RULES_KEY }, details: { ...rules }, ip: req.ip ?? null });
    res.json(rules);
  });

  // A text or a template, filled from the case, counted for every network and tone-checked.
  router.post('/replies/preview', async (req, res) => {
    const input = previewInput.parse(req.body);
    const ctx = input.caseId !== undefined ? await replyContext(db, input.caseId, input.postId, actorOf(req).name) : null;
    let body = input.text ?? '';
    if (input.template !== undefined) {
      try {
        body = renderTemplate(input.template, ctx?.values ?? {});
      } catch (e) {
        templateError(e);
      }
    }
    const counts = countAll(body).map((c) => (c.network === 'mastodon' && ctx?.maxCharacters ? countFor('mastodon', body, ctx.maxCharacters) : c));
    res.json({ body, counts, tone: toneCheck(body, ctx ? insertedValues(ctx.values) : []) });
  });

  router.post('/replies/candidates', async (req, res) => {
    const input = candidatesInput.parse(req.body);
    const ctx = await replyContext(db, input.caseId, input.postId, actorOf(req).name);
    const network = input.network ?? ctx.network ?? 'x';
    const approval = await approvalFor(db, ctx);
    const limit = network === 'mastodon' ? (ctx.maxCharacters ?? undefined) : undefined;
    res.json({ network, needsApproval: approval.required, approvalReasons: approval.reasons, ...candidateDrafts(await loadTemplates(db), ctx.values, network, limit) });
  });

  router.get('/cases/:id/replies', async (req, res) => {
    res.json({ replies: await caseReplies(db, idParam.parse(req.params).id) });
  });

  router.get('/replies/:id', async (req, res) => {
    res.json(await replyView(db, idParam.parse(req.params).id));
  });

  router.post('/replies', async (req, res) => {
    const reply = await createDraft(db, replyCreate.parse(req.body), actorOf(req), now());
    changed(reply.caseId, reply.status);
    res.status(201).json(reply);
  });

  router.patch('/replies/:id', async (req, res) => {
    const reply = await editDraft(db, idParam.parse(req.params).id, replyPatch.parse(req.body).body, actorOf(req), now());
    changed(reply.caseId, reply.status);
    res.json(reply);
  });

  router.post('/replies/:id/submit', async (req, res) => {
    const reply = await submitReply(db, idParam.parse(req.params).id, actorOf(req), now());
    changed(reply.caseId, reply.status);
    res.json(reply);
  });

  router.post('/replies/:id/approve', async (req, res) => {
    const reply = await approveReply(db, idParam.parse(req.params).id, actorOf(req), now());
    changed(reply.caseId, reply.status);
    res.json(reply);
  });

  router.post('/replies/:id/send-back', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const reply = await sendBack(db, id, sendBackInput.parse(req.body).note, actorOf(req), now());
    changed(reply.caseId, reply.status);
    res.json(reply);
  });

  // Safe to retry: a reply already sent answers with its post; one being sent answers 409.
  router.post('/replies/:id/send', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { outcome, reply } = await sendReply({ db, senders, now }, id, actorOf(req));
    changed(reply.caseId, reply.status);
    // A failed or unconfirmed send is the network's answer, not a bad request: 502 with the reply.
    if (outcome === 'failed' || outcome === 'unconfirmed') {
      throw new AppError(502, outcome === 'failed' ? 'send_failed' : 'send_unconfirmed', reply.lastError ?? `The send ${outcome === 'failed' ? 'failed' : 'may or may not have been posted'}.`, { reply });
    }
    res.json(reply);
  });

  router.post('/replies/:id/check', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const reply = await checkReply({ db, senders, now }, id, checkInput.parse(req.body), actorOf(req));
    changed(reply.caseId, reply.status);
    res.json(reply);
  });

  // Reply accounts: credentials are write-only; the answer says whether they are set.
  router.get('/reply-accounts', async (_req, res) => {
    res.json({ accounts: (await repo.listReplyAccounts(db)).map(accountView) });
  });

  router.put('/reply-accounts/:network', async (req, res) => {
    const { network } = networkParam.parse(req.params);
    const input = replyAccountInput.parse(req.body);
    if (network === 'mastodon' && !input.baseUrl) throw new AppError(400, 'invalid_request', 'baseUrl: a Mastodon account needs its instance URL.');
    const previous = await repo.getReplyAccount(db, network);
    let sealed = previous?.secrets;
    if (input.secrets) {
      const parsed = replySecretsByNetwork[network as ReplyNetwork].safeParse(input.secrets);
      if (!parsed.success) throw new AppError(400, 'invalid_request', `secrets: ${network} needs ${secretNames(network)}.`);
      sealed = deps.secrets.seal(JSON.stringify(parsed.data));
    }
    if (!sealed) throw new AppError(400, 'invalid_request', `secrets: ${network} needs ${secretNames(network)}.`);
    const actor = actorOf(req);
    const row = await repo.upsertReplyAccount(db, { network, handle: input.handle, base_url: input.baseUrl, max_characters: input.maxCharacters, secrets: sealed, updated_by: actor.id, updated_at: now() });
    await audit(db, { actorId: actor.id, action: 'credential.changed', target: { type: 'reply_account', id: network }, details: { handle: input.handle, baseUrl: input.baseUrl, secretsChanged: Boolean(input.secrets) }, ip: req.ip ?? null });
    res.json(accountView(row));
  });

  router.delete('/reply-accounts/:network', async (req, res) => {
    const { network } = networkParam.parse(req.params);
    if (!(await repo.deleteReplyAccount(db, network))) throw new AppError(404, 'not_found', 'Reply account not found');
    await audit(db, { actorId: actorOf(req).id, action: 'credential.changed', target: { type: 'reply_account', id: network }, details: { removed: true }, ip: req.ip ?? null });
    res.status(204).end();
  });

  return router;
}

function secretNames(network: string): string {
  if (network === 'x') return 'accessToken (OAuth 2.0 user token), or appKey, appSecret, accessToken and accessSecret';
  if (network === 'bluesky') return 'identifier and appPassword';
  return 'accessToken';
}

/**
 * Settings → Replies: the reply-account form, the template editor and the approval rules turned
 * into the API's requests, and a template turned into a preview request. Pure, so each is tested
 * without a browser; the server validates every request again and says what is wrong.
 */
import type { z } from 'zod';
import type { approvalRules, previewInput, replyAccountInput, ReplyNetwork, replyTemplate } from '../../shared/api/replies';
import { renderTemplate, TemplateError, type TemplateValues } from '../../server/analysis/replies/templates';

export type ReplyAccountInput = z.input<typeof replyAccountInput>;
export type ReplyTemplate = z.infer<typeof replyTemplate>;
export type ApprovalRules = z.infer<typeof approvalRules>;
export type PreviewInput = z.input<typeof previewInput>;

export const networks: ReadonlyArray<{ id: ReplyNetwork; label: string }> = [
  { id: 'x', label: 'X' },
  { id: 'bluesky', label: 'Bluesky' },
  { id: 'mastodon', label: 'Mastodon' },
];

export interface AccountDraft {
  network: ReplyNetwork;
  handle: string;
  baseUrl: string;
  /** A number input's value: a number, or null when empty. */
  maxCharacters: number | null;
  /** X: an OAuth 2.0 user token, or the four OAuth 1.0a keys. */
  xAuth: 'oauth2' | 'oauth1';
  accessToken: string;
  appKey: string;
  appSecret: string;
  accessSecret: string;
  /** Bluesky */
  identifier: string;
  appPassword: string;
}

/** The form for a network, filled from its saved account if any. Secrets always start empty: they are never sent back. */
export function accountDraft(network: ReplyNetwork, saved?: { handle: string; baseUrl: string | null; maxCharacters: number | null }): AccountDraft {
  return {
    network,
    handle: saved?.handle ?? '',
    baseUrl: saved?.baseUrl ?? '',
    maxCharacters: saved?.maxCharacters ?? null,
    xAuth: 'oauth2',
    accessToken: '',
    appKey: '',
    appSecret: '',
    accessSecret: '',
    identifier: '',
    appPassword: '',
  };
}

export type SecretField = 'accessToken' | 'appKey' | 'appSecret' | 'accessSecret' | 'identifier' | 'appPassword';

/** The secret fields the form shows for a network (and X auth mode), in order. */
export function secretFields(d: Pick<AccountDraft, 'network' | 'xAuth'>): SecretField[] {
  if (d.network === 'bluesky') return ['identifier', 'appPassword'];
  if (d.network === 'x' && d.xAuth === 'oauth1') return ['appKey', 'appSecret', 'accessToken', 'accessSecret'];
  return ['accessToken'];
}

/**
 * The body of PUT /api/reply-accounts/:network. Secrets left blank are left out, so the stored ones
 * are kept; typing any of them replaces them all.
 * @example accountToInput({ ...accountDraft('mastodon'), handle: 'acme', baseUrl: 'https://m.example', accessToken: 't' })
 * // { handle: 'acme', baseUrl: 'https://m.example', maxCharacters: null, secrets: { accessToken: 't' } }
 */
export function accountToInput(d: AccountDraft): ReplyAccountInput {
  const fields = secretFields(d);
  const typed = fields.some((f) => d[f].trim() !== '');
  return {
    handle: d.handle.trim().replace(/^@+/, ''),
    baseUrl: d.baseUrl.trim() === '' ? null : d.baseUrl.trim(),
    maxCharacters: d.network === 'mastodon' && typeof d.maxCharacters === 'number' && Number.isFinite(d.maxCharacters) ? d.maxCharacters : null,
    ...(typed ? { secrets: Object.fromEntries(fields.map((f) => [f, d[f].trim()])) } : {}),
  };
}

export interface TemplateDraft {
  /** The id of the template being edited, or null for a new one. */
  originalId: string | null;
  id: string;
  name: string;
  text: string;
}

export const emptyTemplate = (): TemplateDraft => ({ originalId: null, id: '', name: '', text: '' });
export const templateDraft = (t: ReplyTemplate): TemplateDraft => ({ originalId: t.id, id: t.id, name: t.name, text: t.text });

/**
 * An id for a new template from its name, unlike any taken one.
 * @example templateIdFor('Order: looking into it', ['order-looking-into-it']) // 'order-looking-into-it-2'
 */
export function templateIdFor(name: string, taken: readonly string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 36)
      .replace(/-+$/, '') || 'template';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** The whole list for PUT /api/replies/templates with the draft saved: replacing the one it edits, else appended. */
export function saveTemplate(list: readonly ReplyTemplate[], d: TemplateDraft): ReplyTemplate[] {
  const others = list.filter((t) => t.id !== d.originalId);
  const id = d.id.trim() || templateIdFor(d.name, others.map((t) => t.id));
  const saved = { id, name: d.name.trim(), text: d.text.trim() };
  const at = list.findIndex((t) => t.id === d.originalId);
  if (at < 0) return [...list, saved];
  return list.map((t, i) => (i === at ? saved : t));
}

export const removeTemplate = (list: readonly ReplyTemplate[], id: string): ReplyTemplate[] => list.filter((t) => t.id !== id);

/** Values a template is previewed with when no case is named: plausible, and as long as real ones. */
export const SAMPLE_VALUES: TemplateValues = { author: 'ann_smith', order: '48213', issue: 'late delivery', case: '#128', subject: 'Acme' };

/**
 * The body of POST /api/replies/preview for a template being edited: filled from a case when one is
 * named, else from sample values (filled here, so a template with variables can be counted before
 * any case exists). A template that cannot be filled says why.
 */
export function previewRequest(text: string, opts: { caseId?: string; agent?: string | null } = {}): { ok: true; input: PreviewInput } | { ok: false; error: string } {
  const caseId = Number((opts.caseId ?? '').trim().replace(/^#/, ''));
  if (Number.isInteger(caseId) && caseId > 0) return { ok: true, input: { caseId, template: text } };
  try {
    return { ok: true, input: { text: renderTemplate(text, { ...SAMPLE_VALUES, agent: opts.agent || 'Sam' }) } };
  } catch (e) {
    if (e instanceof TemplateError) return { ok: false, error: e.message };
    throw e;
  }
}

const priorityOrder = ['low', 'normal', 'high', 'urgent'] as const;

/** The rules with one priority turned on or off, in a stable order. */
export function withPriority(rules: ApprovalRules, priority: ApprovalRules['priorities'][number], on: boolean): ApprovalRules {
  const set = new Set(rules.priorities);
  if (on) set.add(priority);
  else set.delete(priority);
  return { ...rules, priorities: priorityOrder.filter((p) => set.has(p)) };
}

/**
 * The rules as one sentence, for the page and for those who may only read them.
 * @example rulesSummary({ always: false, priorities: ['high', 'urgent'], openAlert: true })
 * // 'Replies need approval on high or urgent cases, and when the issue has an open alert.'
 */
export function rulesSummary(r: ApprovalRules): string {
  if (r.always) return 'Every reply needs approval.';
  const parts: string[] = [];
  const ps = priorityOrder.filter((p) => r.priorities.includes(p));
  if (ps.length) parts.push(`on ${ps.length > 1 ? `${ps.slice(0, -1).join(', ')} or ${ps.at(-1)}` : ps[0]} cases`);
  if (r.openAlert) parts.push('when the issue has an open alert');
  return parts.length ? `Replies need approval ${parts.join(', and ')}.` : 'No reply needs approval: responders send their own.';
}

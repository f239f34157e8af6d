/**
 * The case-rule editor's form, and the conversion to and from the API's rules: comma lists become
 * arrays, empty fields become "no condition". Pure, so both directions are unit-tested.
 */
import type { CaseRule, CaseRuleInput } from '../../shared/api/case-rules';

/** What a number input holds: Svelte binds it as a number, or null once cleared; '' before any input. */
export type NumberField = number | string | null | undefined;

export interface RouteForm {
  subjectId: string;
  issueId: NumberField;
  aspect: string;
  queue: string;
  assigneeId: NumberField;
}

export interface RuleForm {
  id: string;
  name: string;
  enabled: boolean;
  on: 'post' | 'issue';
  sentiment: string;
  intents: string;
  reference: string;
  fromCustomer: boolean;
  aspects: string;
  minAuthors: NumberField;
  subjectId: string;
  priority: string;
  queue: string;
  assigneeId: NumberField;
  tags: string;
  routes: RouteForm[];
}

export const emptyRoute = (): RouteForm => ({ subjectId: '', issueId: '', aspect: '', queue: '', assigneeId: '' });

/** The starting point the issue describes: negative + quotes an order + from a customer. */
export const newRuleForm = (n: number): RuleForm => ({
  id: `rule-${n}`,
  name: 'Negative customer posts quoting an order',
  enabled: true,
  on: 'post',
  sentiment: 'negative',
  intents: '',
  reference: 'order',
  fromCustomer: true,
  aspects: '',
  minAuthors: '10',
  subjectId: '',
  priority: '',
  queue: '',
  assigneeId: '',
  tags: '',
  routes: [],
});

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const id = (v: NumberField) => (v === null || v === undefined || String(v).trim() === '' ? undefined : Number(v));
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** @example fromForm({ ...newRuleForm(1), queue: 'orders' }).trigger // { on: 'post', sentiment: 'negative', reference: 'order', fromCustomer: true } */
export function fromForm(f: RuleForm): CaseRuleInput {
  const subjectIds = f.subjectId ? [Number(f.subjectId)] : undefined;
  const trigger: CaseRuleInput['trigger'] =
    f.on === 'issue'
      ? { on: 'issue', minAuthors: id(f.minAuthors) ?? 0, ...(subjectIds ? { subjectIds } : {}) }
      : {
          on: 'post',
          fromCustomer: f.fromCustomer,
          ...(f.sentiment ? { sentiment: f.sentiment as never } : {}),
          ...(list(f.intents).length ? { intents: list(f.intents) as never } : {}),
          ...(f.reference.trim() ? { reference: f.reference.trim() } : {}),
          ...(list(f.aspects).length ? { aspects: list(f.aspects) as never } : {}),
          ...(subjectIds ? { subjectIds } : {}),
        };
  return {
    id: f.id.trim(),
    name: f.name.trim(),
    enabled: f.enabled,
    trigger,
    ...(f.priority ? { priority: f.priority as never } : {}),
    queue: orNull(f.queue),
    assigneeId: id(f.assigneeId) ?? null,
    tags: list(f.tags),
    routes: f.routes.map((r) => ({
      ...(id(r.subjectId) !== undefined ? { subjectId: id(r.subjectId) } : {}),
      ...(id(r.issueId) !== undefined ? { issueId: id(r.issueId) } : {}),
      ...(r.aspect ? { aspect: r.aspect as never } : {}),
      queue: orNull(r.queue),
      assigneeId: id(r.assigneeId) ?? null,
    })),
  };
}

export function toForm(r: CaseRule): RuleForm {
  const t = r.trigger;
  const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    on: t.on,
    sentiment: t.on === 'post' ? (t.sentiment ?? '') : '',
    intents: t.on === 'post' ? (t.intents ?? []).join(', ') : '',
    reference: t.on === 'post' ? (t.reference ?? '') : '',
    fromCustomer: t.on === 'post' ? t.fromCustomer : false,
    aspects: t.on === 'post' ? (t.aspects ?? []).join(', ') : '',
    minAuthors: t.on === 'issue' ? String(t.minAuthors) : '10',
    subjectId: str(t.subjectIds?.[0]),
    priority: r.priority ?? '',
    queue: r.queue ?? '',
    assigneeId: str(r.assigneeId),
    tags: r.tags.join(', '),
    routes: r.routes.map((x) => ({ subjectId: str(x.subjectId), issueId: str(x.issueId), aspect: x.aspect ?? '', queue: x.queue ?? '', assigneeId: str(x.assigneeId) })),
  };
}

/** One line saying what a rule does, for the list. */
export function describeRule(r: CaseRuleInput, subjectName: (id: number) => string = (id) => `subject ${id}`, personName: (id: number) => string = (id) => `user #${id}`): string {
  const t = r.trigger;
  const where = t.subjectIds?.length ? ` about ${t.subjectIds.map(subjectName).join(' or ')}` : '';
  const when =
    t.on === 'issue'
      ? `an issue${where} reaches ${t.minAuthors} distinct authors`
      : [
          `a ${t.sentiment ?? 'new'} post${where}`,
          t.reference ? (t.reference === 'any' ? 'quotes a reference' : `quotes ${/^[aeiou]/.test(t.reference) ? 'an' : 'a'} ${t.reference} number`) : null,
          t.fromCustomer ? 'from a customer' : null,
          t.intents?.length ? `(${t.intents.join(' or ')})` : null,
          t.aspects?.length ? `about ${t.aspects.join(' or ')}` : null,
        ]
          .filter(Boolean)
          .join(' ');
  const to = [r.queue ? `queue ${r.queue}` : null, r.assigneeId ? personName(r.assigneeId) : null].filter(Boolean).join(', ') || 'no queue';
  const routes = r.routes?.length ? `; ${r.routes.length} routing rule${r.routes.length > 1 ? 's' : ''} first` : '';
  return `When ${when}: open a case → ${to}${routes}`;
}

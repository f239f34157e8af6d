/**
 * Reply templates: text with `{variable}` placeholders filled from the case. One pass, plain text:
 * a value is inserted as it is and never read as a template itself, so an author whose handle is
 * `{order}` cannot pull other values in. `{{` and `}}` write literal braces.
 */

/** The variables a template may use, with what they hold. */
export const TEMPLATE_VARIABLES = {
  author: "the post author's handle, without @",
  order: 'the order number the case is about',
  issue: 'the issue the case belongs to',
  case: 'the case reference, e.g. #12',
  subject: 'the company, product or supplier the case is about',
  agent: "the sending agent's name",
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string | null>>;

export interface ReplyTemplate {
  id: string;
  name: string;
  text: string;
}

export class TemplateError extends Error {
  constructor(
    readonly code: 'unknown_variable' | 'missing_value' | 'unbalanced_brace',
    readonly variable: string | null,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;
const isVariable = (name: string): name is TemplateVariable => Object.hasOwn(TEMPLATE_VARIABLES, name);

/** The variables a template uses, in order of first use; throws on an unknown one or a stray brace. */
export function templateVariables(text: string): TemplateVariable[] {
  const out: TemplateVariable[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (m[0] === '{{' || m[0] === '}}') continue;
    if (m[1] === undefined) throw new TemplateError('unbalanced_brace', null, `A lone "${m[0]}" at character ${m.index + 1}: write {{ or }} for a literal brace.`);
    const name = m[1].trim();
    if (!isVariable(name)) {
      throw new TemplateError('unknown_variable', name, `Unknown variable {${name}}: a template may use ${Object.keys(TEMPLATE_VARIABLES).map((v) => `{${v}}`).join(', ')}.`);
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

// A value is one line of plain text: newlines and control characters would reshape the reply.
// eslint-disable-next-line no-control-regex
const plain = (value: string) => value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Fills a template. @example renderTemplate('Hi @{author}, about order {order}', { author: 'ann', order: '48213' }) // 'Hi @ann, about order 48213'
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  templateVariables(text);
  return text.replace(TOKEN, (token, name: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    const variable = (name ?? '').trim() as TemplateVariable;
    const value = values[variable];
    if (value === undefined || value === null || plain(value) === '') {
      throw new TemplateError('missing_value', variable, `This template needs {${variable}} (${TEMPLATE_VARIABLES[variable]}), and the case has none.`);
    }
    return variable === 'author' ? plain(value).replace(/^@+/, '') : plain(value);
  });
}

/** Built in; a deployment replaces them in Settings (stored under `replies.templates`). */
export const DEFAULT_TEMPLATES: ReplyTemplate[] = [
  { id: 'order-status', name: 'Order: looking into it', text: "Hi @{author}, sorry about the wait on order {order}. We're checking it with the carrier now and will update you here today. (ref {case})" },
  { id: 'known-issue', name: 'Known issue: working on it', text: "Hi @{author}, thanks for letting us know. We're aware of the {issue} problem and our team is working on a fix; we'll post an update as soon as it's sorted." },
  { id: 'ask-dm', name: 'Ask for a direct message', text: 'Hi @{author}, thanks for reaching out. Could you send us a direct message with your order number so we can look into this for you? (ref {case})' },
  { id: 'thanks', name: 'Thank you', text: 'Thanks so much @{author}, glad to hear it! We have passed this on to the team.' },
];

/**
 * Which replies need an approver's yes before they go out. A deployment sets the rules (settings
 * key `replies.approval`); by default a reply needs approval on a high or urgent case, or when the
 * case's issue has an open alert (a public problem, where one careless reply travels far).
 */

export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface ApprovalRules {
  /** Every reply needs approval. */
  always: boolean;
  /** Case priorities whose replies need approval. */
  priorities: Priority[];
  /** A reply on a case whose issue has an open alert needs approval. */
  openAlert: boolean;
}

export const DEFAULT_APPROVAL_RULES: ApprovalRules = { always: false, priorities: ['high', 'urgent'], openAlert: true };

export interface ReplyContext {
  priority: Priority | null;
  openAlerts: number;
}

/** @example approvalNeeded(DEFAULT_APPROVAL_RULES, { priority: 'urgent', openAlerts: 0 }) // { required: true, reasons: ['the case is urgent'] } */
export function approvalNeeded(rules: ApprovalRules, ctx: ReplyContext): { required: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (rules.always) reasons.push('every reply needs approval here');
  if (ctx.priority && rules.priorities.includes(ctx.priority)) reasons.push(`the case is ${ctx.priority}`);
  if (rules.openAlert && ctx.openAlerts > 0) reasons.push("the case's issue has an open alert");
  return { required: reasons.length > 0, reasons };
}

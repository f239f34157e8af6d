/**
 * The evidence pack sent with a supplier escalation (a non-conformance): what the issue is, how
 * big and how fast it grows, the references a supplier can trace (lots, part numbers, orders),
 * and representative posts. Pure: rows in, a pack, a plain-text letter and a CSV out.
 */
import type { Evidence } from '../../../shared/api/escalations';

export type { Evidence };

export interface EvidenceInput {
  caseId: number;
  supplier: string;
  issue: { id: number; label: string; keyTerms: string[]; refs: Array<{ type: string; value: string }>; firstSeen: Date; lastSeen: Date; posts: number; distinctAuthors: number };
  posts: Array<{ id: number; text: string; author: string | null; url: string | null; createdAt: Date; refs: Array<{ type: string; value: string }> }>;
  /** Posts of the issue per UTC day, any order. */
  daily: Array<{ day: string; posts: number }>;
  dueAt: Date | null;
  note: string | null;
  now: Date;
}

const DAY = 86_400_000;
const MAX_POSTS = 10;
// The references a supplier can trace first.
const REF_ORDER = ['lot', 'part', 'purchase_order', 'rma', 'order', 'invoice', 'tracking', 'ticket'];

/** @example buildEvidence(input).counts.trend // 'rising' when the last 7 days have over 1.25× the 7 before */
export function buildEvidence(input: EvidenceInput): Evidence {
  const today = Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), input.now.getUTCDate());
  const within = (from: number, to: number) => input.daily.filter((d) => Date.parse(`${d.day}T00:00:00Z`) > today - from * DAY && Date.parse(`${d.day}T00:00:00Z`) <= today - to * DAY).reduce((s, d) => s + d.posts, 0);
  const last7 = within(7, 0);
  const prior7 = within(14, 7);
  const trend = last7 > prior7 * 1.25 + 1 ? 'rising' : last7 < prior7 * 0.75 - 1 ? 'falling' : 'steady';
  // One entry per reference whatever its case (HX-220 and hx-220), in the first spelling seen.
  const refs = new Map<string, Map<string, string>>();
  for (const r of [...input.issue.refs, ...input.posts.flatMap((p) => p.refs)]) {
    const values = refs.get(r.type) ?? new Map<string, string>();
    if (!values.has(r.value.toLowerCase())) values.set(r.value.toLowerCase(), r.value);
    refs.set(r.type, values);
  }
  const rank = (t: string) => (REF_ORDER.includes(t) ? REF_ORDER.indexOf(t) : REF_ORDER.length);
  return {
    caseId: input.caseId,
    supplier: input.supplier,
    issue: { id: input.issue.id, label: input.issue.label, keyTerms: input.issue.keyTerms.slice(0, 10) },
    counts: { posts: input.issue.posts, distinctAuthors: input.issue.distinctAuthors, firstSeen: input.issue.firstSeen.toISOString(), lastSeen: input.issue.lastSeen.toISOString(), last7Days: last7, prior7Days: prior7, trend },
    references: [...refs].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([type, values]) => ({ type, values: [...values.values()].sort() })),
    posts: [...input.posts].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).slice(0, MAX_POSTS).map((p) => ({ text: p.text, author: p.author, url: p.url, createdAt: p.createdAt.toISOString() })),
    daily: [...input.daily].sort((a, b) => a.day.localeCompare(b.day)),
    dueAt: input.dueAt?.toISOString() ?? null,
    note: input.note,
  };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The letter to the supplier: plain text, post text quoted as text. */
export function evidenceText(e: Evidence): string {
  const lines = [
    `Non-conformance report, case #${e.caseId}, for ${e.supplier}`,
    '',
    `Issue: ${oneLine(e.issue.label)}`,
    `Seen in ${e.counts.posts} posts by ${e.counts.distinctAuthors} people, ${e.counts.firstSeen.slice(0, 10)} to ${e.counts.lastSeen.slice(0, 10)}.`,
    `Last 7 days: ${e.counts.last7Days} posts (the 7 days before: ${e.counts.prior7Days}); trend ${e.counts.trend}.`,
  ];
  if (e.issue.keyTerms.length) lines.push(`Key terms: ${e.issue.keyTerms.join(', ')}`);
  if (e.dueAt) lines.push(`Please acknowledge and answer by ${e.dueAt.slice(0, 10)}.`);
  if (e.note) lines.push('', oneLine(e.note));
  if (e.references.length) {
    lines.push('', 'References:');
    for (const r of e.references) lines.push(`  ${r.type}: ${r.values.join(', ')}`);
  }
  if (e.posts.length) {
    lines.push('', 'Representative posts:');
    for (const p of e.posts) lines.push(`  - ${p.createdAt.slice(0, 16).replace('T', ' ')} ${p.author ? `@${p.author}` : ''}: "${oneLine(p.text).slice(0, 500)}"${p.url ? ` ${p.url}` : ''}`);
  }
  lines.push('', 'The attached evidence.json holds the same data; posts.csv lists the posts.');
  return lines.join('\n');
}

// A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
const cell = (v: string | null) => {
  const s = v ?? '';
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function evidenceCsv(e: Evidence): string {
  return [['created_at', 'author', 'text', 'url'].join(','), ...e.posts.map((p) => [p.createdAt, p.author, p.text, p.url].map(cell).join(','))].join('\r\n');
}

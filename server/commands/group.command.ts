import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Analysis } from '../../shared/domain';
import {
  emptyGroupingState,
  groupPosts,
  isGroupable,
  looksLikeComplaintOrQuestion,
  type GroupPost,
  type GroupingState,
} from '../analysis/issues';
import type { Command } from '../cli';

const USAGE = `earshot group [--batch N] [--heuristic]

Reads posts as JSONL on standard input, one object a line:
  {"id": "1", "text": "...", "created_at": "2026-04-01T09:00:00Z", "author": "u1", "subject": "acme"}
(created_at, author and subject are optional) and writes one line per post, in input order:
  {"id": "1", "issue": 3, "label": "late deliveries"}
issue is null for posts that are neither complaints nor questions. A line that cannot be read gets
{"line": N, "error": "..."} instead. Posts are grouped in batches of --batch lines (default 1000);
a label is the issue's label when its batch was grouped.

Options:
  --batch N       lines per batch (default 1000)
  --heuristic     decide complaint/question with keywords even when the sentiment engine is present`;

const lineSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  text: z.string(),
  created_at: z.union([z.string(), z.number()]).optional(),
  author: z.union([z.string(), z.number()]).transform(String).optional(),
  subject: z.union([z.string(), z.number(), z.null()]).optional(),
});

type Classifier = { name: string; groupable(text: string): boolean };

/** The sentiment engine when it is installed, else the keyword stand-in. */
async function classifier(forceHeuristic: boolean): Promise<Classifier> {
  const heuristic: Classifier = { name: 'keyword heuristic', groupable: looksLikeComplaintOrQuestion };
  if (forceHeuristic) return heuristic;
  try {
    // Loaded by URL so this command works before the sentiment engine exists.
    const mod = (await import(new URL('../analysis/sentiment/index.ts', import.meta.url).href)) as {
      analyze?: (text: string) => Analysis;
    };
    const analyze = mod.analyze;
    if (typeof analyze !== 'function') return heuristic;
    return {
      name: 'sentiment engine',
      groupable: (text) => {
        // One text the engine chokes on must not stop the stream.
        try {
          return isGroupable(analyze(text), text);
        } catch {
          return looksLikeComplaintOrQuestion(text);
        }
      },
    };
  } catch {
    return heuristic;
  }
}

type Pending = { kind: 'post'; post: GroupPost } | { kind: 'error'; line: number; error: string };

export const command: Command = {
  summary: 'group complaints and questions read as JSONL on stdin into issues',
  usage: USAGE,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { batch: { type: 'string' }, heuristic: { type: 'boolean' } } }));
    } catch (e) {
      console.error(`earshot group: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const batchSize = Number(values.batch ?? 1000);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      console.error('earshot group: --batch must be a positive integer');
      return 2;
    }
    const cls = await classifier(values.heuristic === true);
    console.error(`earshot group: complaints and questions decided by the ${cls.name}`);

    let state: GroupingState = emptyGroupingState();
    let latest = 0;
    let pending: Pending[] = [];
    const startedAt = Date.now();
    const flush = () => {
      const posts = pending.flatMap((p) => (p.kind === 'post' ? [p.post] : []));
      const r = groupPosts(state, posts, new Date(latest || startedAt));
      state = r.state;
      const byId = new Map(r.assignments.map((a) => [a.postId, a.issueId]));
      const out: string[] = [];
      for (const p of pending) {
        if (p.kind === 'error') {
          out.push(JSON.stringify({ line: p.line, error: p.error }));
          continue;
        }
        const issue = byId.get(p.post.id) ?? null;
        const label = issue === null ? null : (state.issues[String(issue)]?.label ?? null);
        out.push(JSON.stringify({ id: p.post.id, issue, label }));
      }
      if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
      pending = [];
    };

    let lineNo = 0;
    for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      lineNo++;
      if (raw.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        pending.push({ kind: 'error', line: lineNo, error: 'not JSON' });
        continue;
      }
      const parsed = lineSchema.safeParse(json);
      if (!parsed.success) {
        pending.push({ kind: 'error', line: lineNo, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ') });
      } else {
        const v = parsed.data;
        const createdAt = v.created_at === undefined ? new Date(startedAt) : new Date(v.created_at);
        if (Number.isNaN(createdAt.getTime())) {
          pending.push({ kind: 'error', line: lineNo, error: 'created_at: not a date' });
        } else {
          latest = Math.max(latest, createdAt.getTime());
          pending.push({
            kind: 'post',
            post: { id: v.id, text: v.text, createdAt, authorId: v.author ?? `anon:${v.id}`, subjectId: v.subject ?? null, isComplaintOrQuestion: cls.groupable(v.text) },
          });
        }
      }
      if (pending.length >= batchSize) flush();
    }
    flush();
    return 0;
  },
};

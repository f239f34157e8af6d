import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Command } from '../cli';

const USAGE = `earshot score [--corrections FILE] [--lang CODE]

Reads posts on standard input, one a line: plain text, or JSONL with a "text" field (and optional
"id" and "lang"), and writes one JSON object a line with the engine's reading:
  {"id": "1", "score": -0.82, "label": "negative", "confidence": 0.91, "lang": "en",
   "rationale": [{"feature": "never arrived", "weight": -0.88}], "aspects": [...], "intent": "complaint"}
A line that is not a post (JSON null, a number, an object without a string "text", broken JSON
starting with "{") gets {"line": N, "error": "..."} and the run goes on. Empty lines are skipped.

Options:
  --corrections FILE   analysts' corrections to apply: JSONL {"text", "label"} or label<TAB>text lines
  --lang CODE          the language of every post (default: the line's "lang", else detected)`;

type Parsed = { ok: true; text: string; id?: string | number; lang?: string | null } | { ok: false; error: string };

/** A line as a post: JSONL object, a JSON string, or plain text. */
export function parseLine(raw: string): Parsed {
  const line = raw.trim();
  const first = line[0];
  if (first === '{' || first === '[' || first === '"' || line === 'null' || line === 'true' || line === 'false' || /^-?\d[\d.eE+-]*$/.test(line)) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      // "[sic] what a day" or '"Great," she said' are plain text; a broken object is an error.
      if (first === '{') return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
      return { ok: true, text: raw };
    }
    if (typeof v === 'string') return { ok: true, text: v };
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: `not a post: JSON ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}` };
    const o = v as Record<string, unknown>;
    if (typeof o.text !== 'string') return { ok: false, error: 'not a post: no string "text" field' };
    const out: Parsed = { ok: true, text: o.text };
    if (typeof o.id === 'string' || typeof o.id === 'number') out.id = o.id;
    if (typeof o.lang === 'string' || o.lang === null) out.lang = o.lang;
    return out;
  }
  return { ok: true, text: raw };
}

export const command: Command = {
  summary: 'score posts read on stdin (text or JSONL), one JSON line out per post',
  usage: USAGE,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { corrections: { type: 'string' }, lang: { type: 'string' } } }));
    } catch (e) {
      console.error(`earshot score: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const { analyze, buildCorrections, parseLabelled } = await import('../analysis/sentiment');
    let overrides;
    if (values.corrections) {
      let content: string;
      try {
        content = readFileSync(values.corrections, 'utf8');
      } catch (e) {
        console.error(`earshot score: cannot read ${values.corrections}: ${(e as Error).message}`);
        return 2;
      }
      overrides = buildCorrections(parseLabelled(content));
      console.error(`earshot score: ${overrides.size} corrections applied`);
    }
    const out = process.stdout;
    let chunk: string[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const ok = out.write(`${chunk.join('\n')}\n`);
      chunk = [];
      // Bounded memory: wait for the reader when the pipe is full.
      if (!ok) await new Promise<void>((resolve) => out.once('drain', resolve));
    };
    let lineNo = 0;
    for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      lineNo++;
      if (raw.trim() === '') continue;
      const p = parseLine(raw);
      if (!p.ok) chunk.push(JSON.stringify({ line: lineNo, error: p.error }));
      else {
        try {
          const a = analyze(p.text, { lang: values.lang ?? p.lang ?? null, overrides });
          chunk.push(JSON.stringify(p.id === undefined ? a : { id: p.id, ...a }));
        } catch (e) {
          chunk.push(JSON.stringify({ line: lineNo, error: `could not score: ${(e as Error).message}` }));
        }
      }
      if (chunk.length >= 512) await flush();
    }
    await flush();
    return 0;
  },
};

/**
 * Parsers of the labelled sets the trainer and the evaluations read (contents in, rows out; the
 * callers read the files). SemEval: `id<TAB>label<TAB>text`, 2013 files escape characters as
 * `\uXXXX`. VADER's ground truth: `id<TAB>mean rating (-4..4)<TAB>text`. Corrections files:
 * `label<TAB>text` lines or SemEval lines.
 */
import type { SentimentClass } from './model';

export interface Labelled {
  label: SentimentClass;
  text: string;
}

export interface Rated {
  rating: number;
  text: string;
}

const LABELS = new Set(['positive', 'neutral', 'negative']);
const ALIASES: Record<string, SentimentClass> = { pos: 'positive', neg: 'negative', neu: 'neutral', objective: 'neutral', 'objective-or-neutral': 'neutral' };

/** A label as written in a data file, or null. @example toLabel('Positive') // 'positive' */
export function toLabel(raw: string | undefined): SentimentClass | null {
  if (!raw) return null;
  const l = raw.trim().toLowerCase();
  return LABELS.has(l) ? (l as SentimentClass) : (ALIASES[l] ?? null);
}

/** Undoes the 2013 files' `\u002c` escapes and the quotes some lines are wrapped in. */
export function cleanSemEvalText(raw: string): string {
  let t = raw.includes('\\u') ? raw.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
  t = t.trim();
  if (t.length > 1 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1);
  return t.replace(/""/g, '"');
}

/** Rows of a SemEval subtask A file. */
export function parseSemEval(content: string): Labelled[] {
  const out: Labelled[] = [];
  for (const line of content.split(/\r?\n/)) {
    const [, rawLabel, ...rest] = line.split('\t');
    const label = toLabel(rawLabel);
    if (!label) continue;
    const text = cleanSemEvalText(rest.join('\t'));
    if (text && text !== 'Not Available') out.push({ label, text });
  }
  return out;
}

/** Rows of a VADER ground-truth file. */
export function parseVader(content: string): Rated[] {
  const out: Rated[] = [];
  for (const line of content.split(/\r?\n/)) {
    const [, rating, ...rest] = line.split('\t');
    const r = Number(rating);
    if (rating === undefined || !Number.isFinite(r)) continue;
    out.push({ rating: r, text: rest.join('\t').trim() });
  }
  return out;
}

/** `label<TAB>text` lines, SemEval lines or JSONL `{text, label}`; other lines are skipped. */
export function parseLabelled(content: string): Labelled[] {
  const out: Labelled[] = [];
  for (const line of content.split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (line.trimStart().startsWith('{')) {
      try {
        const o = JSON.parse(line) as unknown;
        if (o && typeof o === 'object' && 'text' in o && 'label' in o && typeof o.text === 'string' && typeof o.label === 'string') {
          const label = toLabel(o.label);
          if (label) out.push({ label, text: o.text });
        }
      } catch {
        // not JSON: not a labelled row
      }
      continue;
    }
    const f = line.split('\t');
    const first = toLabel(f[0]);
    if (first && f.length >= 2) out.push({ label: first, text: cleanSemEvalText(f.slice(1).join('\t')) });
    else if (f.length >= 3 && toLabel(f[1])) out.push({ label: toLabel(f[1])!, text: cleanSemEvalText(f.slice(2).join('\t')) });
  }
  return out;
}

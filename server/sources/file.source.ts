/**
 * Reads an export file as a stream of items, one per record, in bounded memory: JSONL (one JSON
 * object a line), CSV with a header row (columns mapped to post fields), or an X archive
 * `tweets.js` / JSON array (read whole: archives are small). Each item says where it came from, so
 * rejects can be reported by line and an interrupted import resumes after the last stored line.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

export type FileFormat = 'jsonl' | 'csv' | 'json';

export interface FileItem {
  /** 1-based record number (line for JSONL, data row for CSV, element for JSON arrays). */
  line: number;
  /** Bytes of the file read so far, for progress. */
  bytes: number;
  value: unknown;
  /** Set when the record could not even be parsed. */
  error?: string;
  raw?: string;
}

export type FieldMapping = Partial<Record<'id' | 'text' | 'createdAt' | 'author' | 'authorId' | 'authorName' | 'url' | 'lang', string>>;

/** Header names recognised without a mapping, per field (lower-case). */
const AUTO: Record<keyof FieldMapping, string[]> = {
  id: ['id', 'post_id', 'tweet_id', 'native_id', 'status_id', 'uri'],
  text: ['text', 'full_text', 'body', 'content', 'message', 'post', 'tweet'],
  createdAt: ['created_at', 'createdat', 'date', 'timestamp', 'time', 'published', 'posted_at'],
  author: ['author', 'handle', 'username', 'screen_name', 'user', 'author_handle', 'user_name'],
  authorId: ['author_id', 'user_id', 'authorid', 'did'],
  authorName: ['author_name', 'name', 'display_name', 'displayname'],
  url: ['url', 'link', 'permalink'],
  lang: ['lang', 'language'],
};

export function detectFormat(path: string): FileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.js') || lower.endsWith('.json')) return 'json';
  return 'jsonl';
}

export async function* readItems(path: string, format: FileFormat, mapping: FieldMapping = {}): AsyncGenerator<FileItem> {
  if (format === 'jsonl') yield* readJsonl(path);
  else if (format === 'csv') yield* readCsv(path, mapping);
  else yield* readJsonArray(path);
}

async function* readJsonl(path: string): AsyncGenerator<FileItem> {
  const stream = createReadStream(path);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, bytes: stream.bytesRead, value: JSON.parse(text) as unknown };
    } catch (e) {
      yield { line, bytes: stream.bytesRead, value: null, error: `not valid JSON: ${(e as Error).message}`, raw: text.slice(0, 2000) };
    }
  }
}

async function* readCsv(path: string, mapping: FieldMapping): AsyncGenerator<FileItem> {
  const stream = createReadStream(path);
  const parser = stream.pipe(
    parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, relax_column_count: true, skip_empty_lines: true, delimiter: path.toLowerCase().endsWith('.tsv') ? '\t' : ',' }),
  );
  let line = 0;
  let columns: Required<FieldMapping> | null = null;
  try {
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      line++;
      columns ??= resolveColumns(Object.keys(row), mapping);
      yield { line, bytes: stream.bytesRead, value: rowToPost(row, columns) };
    }
  } catch (e) {
    yield { line: line + 1, bytes: stream.bytesRead, value: null, error: `CSV parse error: ${(e as Error).message}` };
  }
}

function resolveColumns(headers: string[], mapping: FieldMapping): Required<FieldMapping> {
  const lower = new Map(headers.map((h) => [h.toLowerCase(), h]));
  const out = {} as Required<FieldMapping>;
  for (const field of Object.keys(AUTO) as Array<keyof FieldMapping>) {
    out[field] = mapping[field] ?? AUTO[field].map((n) => lower.get(n)).find((h) => h !== undefined) ?? '';
  }
  return out;
}

function rowToPost(row: Record<string, string>, c: Required<FieldMapping>): Record<string, unknown> {
  const get = (col: string) => (col ? row[col]?.trim() || undefined : undefined);
  const created = get(c.createdAt);
  const parsed = created ? new Date(/^\d+$/.test(created) ? Number(created) * (created.length <= 10 ? 1000 : 1) : created) : null;
  const handle = get(c.author);
  return {
    id: get(c.id),
    text: c.text ? (row[c.text] ?? undefined) : undefined,
    createdAt: parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : created,
    author: { id: get(c.authorId) ?? handle, handle: handle ?? null, name: get(c.authorName) ?? null },
    url: get(c.url) ?? null,
    lang: get(c.lang) ?? null,
  };
}

async function* readJsonArray(path: string): AsyncGenerator<FileItem> {
  const size = statSync(path).size;
  // X archives wrap the array: `window.YTD.tweets.part0 = [ ... ]`.
  const text = readFileSync(path, 'utf8').replace(/^[^[{]*=\s*/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    yield { line: 1, bytes: size, value: null, error: `not valid JSON: ${(e as Error).message}` };
    return;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  for (let i = 0; i < items.length; i++) yield { line: i + 1, bytes: Math.round(((i + 1) / items.length) * size), value: items[i] };
}

/**
 * `earshot import records FILE`: orders, invoices, shipments, tickets and purchase orders from CSV or
 * JSONL, so a case shows the status of the order a post quotes. Columns: id (or external_id,
 * order_id…), type, status, date, party (customer or supplier); every other column is kept as a field.
 */
import { createWriteStream } from 'node:fs';
import { z } from 'zod';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { upsertRecords, type RecordInput } from '../db/repositories/records.repository';
import type { Config } from '../config';
import { readItems, type FileFormat } from '../sources/file.source';

const recordRow = z.object({
  id: z.union([z.string().trim().min(1).max(200), z.number()]).transform(String),
  type: z.string().trim().min(1).max(50).transform((t) => t.toLowerCase().replace(/[\s-]+/g, '_')),
  status: z.string().trim().max(200).nullish(),
  date: z.string().trim().max(50).nullish(),
  party: z.string().trim().max(300).nullish(),
});

const ALIASES: Record<string, string[]> = {
  id: ['id', 'external_id', 'number', 'order_id', 'invoice_id', 'record_id', 'reference'],
  type: ['type', 'kind', 'record_type'],
  status: ['status', 'state'],
  date: ['date', 'occurred_at', 'created_at', 'order_date', 'invoice_date'],
  party: ['party', 'customer', 'supplier', 'name'],
};

function toRecord(value: unknown, defaultType: string | undefined): { ok: true; record: RecordInput } | { ok: false; errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['expected an object'] };
  const source = value as Record<string, unknown>;
  const lower = new Map(Object.keys(source).map((k) => [k.toLowerCase(), k]));
  const pick = (field: string) => ALIASES[field]!.map((a) => lower.get(a)).find((k) => k !== undefined && source[k] !== '' && source[k] != null);
  const used = new Set<string>();
  const shaped: Record<string, unknown> = {};
  for (const field of Object.keys(ALIASES)) {
    const key = pick(field);
    if (key) {
      shaped[field] = source[key];
      used.add(key);
    }
  }
  shaped.type ??= defaultType;
  const parsed = recordRow.safeParse(shaped);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const date = parsed.data.date ? new Date(parsed.data.date) : null;
  if (date && Number.isNaN(date.getTime())) return { ok: false, errors: [`date: not a date: ${parsed.data.date}`] };
  const fields = Object.fromEntries(Object.entries(source).filter(([k]) => !used.has(k) && k !== '__proto__'));
  return { ok: true, record: { type: parsed.data.type, externalId: parsed.data.id, status: parsed.data.status ?? null, party: parsed.data.party ?? null, occurredAt: date, fields } };
}

/** CSV rows are read raw (every column), JSONL objects as they are. */
async function* rawRows(file: string, format: FileFormat): AsyncGenerator<{ line: number; value: unknown; error?: string }> {
  if (format !== 'csv') {
    yield* readItems(file, format);
    return;
  }
  const { createReadStream } = await import('node:fs');
  const { parse } = await import('csv-parse');
  let line = 0;
  try {
    for await (const row of createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true })) as AsyncIterable<unknown>) {
      line++;
      yield { line, value: row };
    }
  } catch (e) {
    yield { line: line + 1, value: null, error: `CSV parse error: ${(e as Error).message}` };
  }
}

export async function importRecords(config: Config, file: string, format: FileFormat, options: { type?: string; rejects: string }): Promise<number> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const rejects = createWriteStream(options.rejects);
  let written = 0;
  let rejected = 0;
  try {
    await migrateToLatest(database.db);
    let batch: RecordInput[] = [];
    for await (const item of rawRows(file, format)) {
      const r = item.error ? { ok: false as const, errors: [item.error] } : toRecord(item.value, options.type);
      if (r.ok) batch.push(r.record);
      else {
        rejected++;
        rejects.write(`${JSON.stringify({ line: item.line, reasons: r.errors })}\n`);
      }
      if (batch.length >= 1000) {
        written += await upsertRecords(database.db, batch);
        batch = [];
      }
    }
    written += await upsertRecords(database.db, batch);
    console.log(`Imported ${written} records from ${file}; ${rejected} rejected${rejected ? ` (reasons in ${options.rejects})` : ''}.`);
    return written === 0 && rejected > 0 ? 1 : 0;
  } finally {
    await new Promise((resolve) => rejects.end(resolve));
    await database.close();
  }
}

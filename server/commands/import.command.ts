import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { Command } from '../cli';
import { systemClock } from '../clock';
import { loadConfigOrReport } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { loadCursor } from '../db/repositories/sources.repository';
import { createLogger } from '../logger';
import { Engines } from '../pipeline/engines';
import { ingestBatches, MAX_BATCH } from '../pipeline/ingest';
import { recognisePost } from '../sources/external-post';
import { detectFormat, readItems, type FieldMapping, type FileFormat } from '../sources/file.source';
import type { NormalizedPost, SourceBatch } from '../sources/source';

const USAGE = `earshot import FILE [options]
earshot import records FILE [--type order|invoice|shipment|ticket|purchase_order]

Imports posts from a JSONL, CSV/TSV or JSON file (X API v2 tweets, X archive tweets.js, Bluesky
posts and Earshot's own shape are recognised). Streams the file in batches of ${MAX_BATCH}; posts
already stored are skipped, so an interrupted import can simply be run again.

Options:
  --format jsonl|csv|json   override the format guessed from the file name
  --map FIELD=COLUMN        CSV column for a field (id, text, createdAt, author, authorId, authorName, url, lang); repeatable
  --mapping FILE            the same as a JSON object {"text": "body", ...}
  --source NAME             store under source "import:NAME" (default: the file name)
  --rejects FILE            where refused rows go, with the reason (default: FILE.rejects.jsonl)
  --restart                 read from the first row even if an earlier import of this source stopped part-way

'import records' loads orders, invoices, shipments, tickets and purchase orders (columns id, type,
status, date, party; other columns are kept) so cases show the record a post quotes.`;

const mappingSchema = z.partialRecord(z.enum(['id', 'text', 'createdAt', 'author', 'authorId', 'authorName', 'url', 'lang']), z.string().min(1));

export const command: Command = {
  summary: 'import posts from a JSONL, CSV or JSON export file',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        map: { type: 'string', multiple: true },
        mapping: { type: 'string' },
        source: { type: 'string' },
        rejects: { type: 'string' },
        restart: { type: 'boolean' },
        type: { type: 'string' },
      },
    });
    if (positionals[0] === 'records') {
      const recordsFile = positionals[1];
      if (!recordsFile || !existsSync(recordsFile)) {
        console.error(recordsFile ? `earshot import records: no such file: ${recordsFile}` : USAGE);
        return 2;
      }
      const config = loadConfigOrReport();
      if (!config) return 2;
      const { importRecords } = await import('./import-records');
      return importRecords(config, recordsFile, (values.format ?? detectFormat(recordsFile)) as FileFormat, { type: values.type, rejects: values.rejects ?? `${recordsFile}.rejects.jsonl` });
    }
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      console.error(USAGE);
      return 2;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      console.error(`earshot import: no such file: ${file}`);
      return 2;
    }
    const format = (values.format ?? detectFormat(file)) as FileFormat;
    if (!['jsonl', 'csv', 'json'].includes(format)) {
      console.error(`earshot import: unknown format '${values.format}' (jsonl, csv or json)`);
      return 2;
    }
    let mapping: FieldMapping;
    try {
      const pairs = Object.fromEntries((values.map ?? []).map((m) => m.split('=', 2) as [string, string]));
      const fromFile = values.mapping ? (JSON.parse(readFileSync(values.mapping, 'utf8')) as unknown) : {};
      mapping = mappingSchema.parse({ ...(fromFile as object), ...pairs });
    } catch (e) {
      console.error(`earshot import: bad column mapping: ${e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message}`);
      return 2;
    }
    const config = loadConfigOrReport();
    if (!config) return 2;

    const sourceId = `import:${values.source ?? basename(file)}`;
    const rejectsPath = values.rejects ?? `${file}.rejects.jsonl`;
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    const rejects = createWriteStream(rejectsPath);
    const summary = { imported: 0, duplicates: 0, rejected: 0, skipped: 0 };
    const total = statSync(file).size;
    const bar = new cliProgress.SingleBar(
      { format: 'importing [{bar}] {percentage}% | {imported} new, {duplicates} duplicate, {rejected} rejected', hideCursor: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    try {
      await migrateToLatest(database.db);
      const engines = new Engines(database.db, createLogger('warn', process.stderr));
      await engines.reload();
      const saved = values.restart ? null : await loadCursor(database.db, sourceId);
      const resumeAfter = typeof saved?.line === 'number' ? saved.line : 0;
      if (resumeAfter > 0) console.error(`Resuming after row ${resumeAfter} (--restart reads from the start).`);
      bar.start(total, 0, summary);

      // Batches go to ingestBatches, which analyses each while the one before it is written; each is
      // stored with the line it ends on, so a run that is stopped resumes after the last stored batch.
      async function* batches(): AsyncGenerator<SourceBatch> {
        let batch: NormalizedPost[] = [];
        let lastLine = 0;
        for await (const item of readItems(file!, format, mapping)) {
          lastLine = item.line;
          if (item.line <= resumeAfter) {
            summary.skipped++;
            continue;
          }
          const r = item.error ? { ok: false as const, errors: [item.error] } : recognisePost(item.value, sourceId);
          if (r.ok) batch.push(r.post);
          else {
            summary.rejected++;
            rejects.write(`${JSON.stringify({ line: item.line, reasons: r.errors, row: item.raw ?? item.value })}\n`);
          }
          if (batch.length >= MAX_BATCH) {
            yield { posts: batch, cursor: { line: lastLine, file: basename(file!) } };
            batch = [];
          }
          bar.update(item.bytes, summary);
        }
        yield { posts: batch, cursor: { line: lastLine, file: basename(file!) } };
      }
      await ingestBatches(database.db, engines.analyzer, { id: sourceId, kind: 'import' }, batches(), () => systemClock.now(), (r) => {
        summary.imported += r.stored.length;
        summary.duplicates += r.duplicates;
      });
      bar.update(total, summary);
      bar.stop();
      console.log(
        `Imported ${summary.imported} posts from ${file} as source ${sourceId}: ${summary.duplicates} already stored, ${summary.rejected} rejected` +
          (summary.rejected ? ` (reasons in ${rejectsPath})` : '') +
          (summary.skipped ? `, ${summary.skipped} skipped as imported before` : '') +
          '.',
      );
      return summary.imported === 0 && summary.rejected > 0 && summary.duplicates === 0 ? 1 : 0;
    } finally {
      bar.stop();
      await new Promise((resolve) => rejects.end(resolve));
      await database.close();
    }
  },
};

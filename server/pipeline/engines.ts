/**
 * The analysis engines as the running server uses them: the subject matcher compiled from the
 * subjects' queries (recompiled when a subject changes), the sentiment engine with the
 * deployment's label corrections, references and near-duplicate keys.
 */
import type { Kysely } from 'kysely';
import { dedupeKey } from '../analysis/dedupe';
import { compileSubjects } from '../analysis/query-matcher';
import { parseQuery } from '../analysis/query-parser';
import { extractReferences } from '../analysis/references';
import { analyze, buildCorrections, type Corrections } from '../analysis/sentiment';
import { allCorrections } from '../db/repositories/corrections.repository';
import { listSubjects } from '../db/repositories/subjects.repository';
import type { Database } from '../db/tables';
import type { Logger } from '../logger';
import type { PostAnalyzer } from './analyzer';

export class Engines {
  private matcher: ReturnType<typeof compileSubjects> = () => [];
  private corrections: Corrections = buildCorrections([]);
  /** Subjects whose saved query no longer parses (e.g. after a grammar change), with the reason. */
  invalidQueries: Array<{ subjectId: number; message: string }> = [];

  readonly analyzer: PostAnalyzer = {
    matchSubjects: (post) => this.matcher({ text: post.text, authorHandle: post.author.handle, lang: post.lang }),
    analyze: (text, lang) => analyze(text, { lang, overrides: this.corrections }),
    references: (text) => extractReferences(text).map((r) => ({ type: r.type, value: r.value })),
    dedupeKey,
  };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
  ) {}

  /** Reloads the analysts' label corrections; call after a correction. */
  async reloadCorrections(): Promise<void> {
    this.corrections = buildCorrections(await allCorrections(this.db));
  }

  /** Recompiles the subject matcher from the database; call after any subject change. */
  async reload(): Promise<void> {
    await this.reloadCorrections();
    const subjects = await listSubjects(this.db);
    const compiled: Array<{ id: number; query: Extract<ReturnType<typeof parseQuery>, { ok: true }>['query'] }> = [];
    const invalid: Array<{ subjectId: number; message: string }> = [];
    for (const s of subjects) {
      const parsed = parseQuery(s.query);
      if (parsed.ok) compiled.push({ id: s.id, query: parsed.query });
      else invalid.push({ subjectId: s.id, message: parsed.error.message });
    }
    if (invalid.length) this.logger.warn({ invalid }, 'some subjects have queries that do not parse; they match nothing');
    this.invalidQueries = invalid;
    this.matcher = compileSubjects(compiled);
  }
}

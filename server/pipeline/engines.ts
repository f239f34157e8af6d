/**
 * The analysis engines as the running server uses them: the subject matcher compiled from the
 * subjects' queries (recompiled when a subject changes), the sentiment engine with the
 * deployment's label corrections, references and near-duplicate keys.
 */
import type { Kysely } from 'kysely';
import { dedupeKey } from '../analysis/dedupe';
import { compileSubjects, type SubjectMatcher } from '../analysis/query-matcher';
import { parseQuery } from '../analysis/query-parser';
import { compilePatterns, defaultPatterns, extractReferences, type CompiledPattern } from '../analysis/references';
import { analyze, buildCorrections, type Corrections } from '../analysis/sentiment';
import { allCorrections } from '../db/repositories/corrections.repository';
import { listSubjects } from '../db/repositories/subjects.repository';
import type { Database } from '../db/tables';
import type { Logger } from '../logger';
import { loadReferencePatterns } from '../services/reference-patterns.service';
import type { PostAnalyzer } from './analyzer';

export class Engines {
  private matcher: SubjectMatcher = compileSubjects([]);
  private corrections: Corrections = buildCorrections([]);
  /** The built-in reference patterns, then the deployment's own (checked when they were saved). */
  private referencePatterns: CompiledPattern[] = defaultPatterns;
  /** Subjects whose saved query no longer parses (e.g. after a grammar change), with the reason. */
  invalidQueries: Array<{ subjectId: number; message: string }> = [];

  readonly analyzer: PostAnalyzer = {
    matchSubjects: (post) => this.matcher({ text: post.text, authorHandle: post.author.handle, lang: post.lang }),
    matchReadsAuthor: () => this.matcher.readsAuthor,
    analyze: (text, lang) => analyze(text, { lang, overrides: this.corrections }),
    references: (text) => extractReferences(text, this.referencePatterns).map((r) => ({ type: r.type, value: r.value })),
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

  /** Reloads the deployment's reference patterns; call after they are saved. */
  async reloadReferencePatterns(): Promise<void> {
    const defs = await loadReferencePatterns(this.db);
    // Each was checked on save; one that no longer compiles (say, after a Node upgrade) is left out alone.
    const usable = defs.flatMap((d) => {
      const one = compilePatterns([d]);
      if (one.ok) return one.patterns;
      this.logger.warn({ pattern: d.name, reason: one.errors[d.name] }, 'a reference pattern is not usable; it finds nothing');
      return [];
    });
    this.referencePatterns = [...defaultPatterns, ...usable];
  }

  /** Recompiles the subject matcher from the database; call after any subject change. */
  async reload(): Promise<void> {
    await this.reloadCorrections();
    await this.reloadReferencePatterns();
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

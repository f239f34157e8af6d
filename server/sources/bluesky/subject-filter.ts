/**
 * Jetstream has no keyword filter, and the ingester stores every post it is handed (with or
 * without a subject), so the Bluesky source keeps only the posts some subject's query matches,
 * with the same compiled matcher the analyzer uses. Subjects are re-read every `refreshMs`, so a
 * subject added in Settings starts matching within that time without a restart.
 */
import { compileSubjects, type MatchablePost } from '../../analysis/query-matcher';
import { parseQuery } from '../../analysis/query-parser';
import type { Clock } from '../../clock';
import type { SubjectQuery } from '../registry';

export class SubjectFilter {
  private matcher: (post: MatchablePost) => number[] = () => [];
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;
  /** Subjects whose query did not parse at the last refresh (they match nothing). */
  invalid: number[] = [];

  constructor(
    private readonly subjects: () => Promise<SubjectQuery[]>,
    private readonly clock: Clock,
    private readonly refreshMs = 30_000,
  ) {}

  /** Re-reads subjects when the last read is older than `refreshMs`; a failed read keeps the old matcher. */
  async refresh(force = false): Promise<void> {
    if (!force && this.clock.now().getTime() - this.loadedAt < this.refreshMs) return;
    this.loading ??= this.load().finally(() => (this.loading = null));
    await this.loading;
  }

  matches(post: MatchablePost): boolean {
    return this.matcher(post).length > 0;
  }

  private async load(): Promise<void> {
    const list = await this.subjects();
    const compiled = [];
    const invalid: number[] = [];
    for (const s of list) {
      const parsed = parseQuery(s.query);
      if (parsed.ok) compiled.push({ id: s.id, query: parsed.query });
      else invalid.push(s.id);
    }
    this.matcher = compileSubjects(compiled);
    this.invalid = invalid;
    this.loadedAt = this.clock.now().getTime();
  }
}

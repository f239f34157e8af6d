/**
 * The analysis the ingester applies to each post before storing it: which subjects it is about,
 * its sentiment, the references it quotes and its near-duplicate key. An interface so the pipeline
 * is tested apart from the engines, and the engines are swapped or reloaded (new subjects) at run time.
 */
import type { Analysis, Reference } from '../../shared/domain';
import type { NormalizedPost } from '../sources/source';

export interface PostAnalyzer {
  /** Ids of the subjects whose query matches the post. */
  matchSubjects(post: NormalizedPost): number[];
  /**
   * False when matching reads only the text and language (no query has from:), so copies of a text
   * match alike and are matched once per batch. Absent means the author may count.
   */
  matchReadsAuthor?(): boolean;
  analyze(text: string, lang: string | null): Analysis;
  references(text: string): Reference[];
  dedupeKey(text: string): string;
}

export interface AnalyzedPost {
  post: NormalizedPost;
  subjectIds: number[];
  analysis: Analysis;
  references: Reference[];
  dedupeKey: string;
}

/**
 * Analyses a batch. Copies of one text (reposts carrying the original's words, the same message from
 * many accounts) are scored once per batch: the text's analysis, references and dedupe key depend
 * on the text and language alone. Subject matching may also read the author (from:), and then runs
 * per post. The cache lives for one batch only, so a reloaded analyzer (new corrections) is never
 * served stale.
 */
export function analyzePosts(analyzer: PostAnalyzer, posts: NormalizedPost[]): AnalyzedPost[] {
  const texts = new TextCache(analyzer);
  return posts.map((post) => texts.analyze(post));
}

const SLICE = 100;

/**
 * analyzePosts in slices of 100 posts with a turn of the event loop between them (about a
 * millisecond each), so database replies and other sources are not held up by a whole batch.
 */
export async function analyzePostsYielding(analyzer: PostAnalyzer, posts: NormalizedPost[]): Promise<AnalyzedPost[]> {
  const texts = new TextCache(analyzer);
  const out: AnalyzedPost[] = [];
  for (let i = 0; i < posts.length; i += SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const end = Math.min(i + SLICE, posts.length);
    for (let k = i; k < end; k++) out.push(texts.analyze(posts[k]!));
  }
  return out;
}

type TextAnalysis = Pick<AnalyzedPost, 'analysis' | 'references' | 'dedupeKey'> & { subjectIds: number[] | null };

/** One batch's analyses by language, then text (two lookups, no key string built per post). */
class TextCache {
  private readonly byLang = new Map<string | null, Map<string, TextAnalysis>>();
  private readonly matchByText: boolean;

  constructor(private readonly analyzer: PostAnalyzer) {
    this.matchByText = analyzer.matchReadsAuthor?.() === false;
  }

  analyze(post: NormalizedPost): AnalyzedPost {
    const { analyzer } = this;
    let texts = this.byLang.get(post.lang);
    if (!texts) this.byLang.set(post.lang, (texts = new Map()));
    let text = texts.get(post.text);
    if (!text) {
      text = { analysis: analyzer.analyze(post.text, post.lang), references: analyzer.references(post.text), dedupeKey: analyzer.dedupeKey(post.text), subjectIds: null };
      texts.set(post.text, text);
    }
    let subjectIds: number[];
    if (!this.matchByText) subjectIds = analyzer.matchSubjects(post);
    else subjectIds = text.subjectIds ??= analyzer.matchSubjects(post);
    return { post, subjectIds, analysis: text.analysis, references: text.references, dedupeKey: text.dedupeKey };
  }
}

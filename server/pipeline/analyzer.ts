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
 * on the text and language alone. Subject matching also reads the author, so it runs per post. The
 * cache lives for one batch only, so a reloaded analyzer (new corrections) is never served stale.
 */
export function analyzePosts(analyzer: PostAnalyzer, posts: NormalizedPost[]): AnalyzedPost[] {
  const seen: TextCache = new Map();
  return posts.map((post) => analyzePost(analyzer, post, seen));
}

const SLICE = 100;

/**
 * analyzePosts in slices of 100 posts with a turn of the event loop between them (about a
 * millisecond each), so database replies and other sources are not held up by a whole batch.
 */
export async function analyzePostsYielding(analyzer: PostAnalyzer, posts: NormalizedPost[]): Promise<AnalyzedPost[]> {
  const seen: TextCache = new Map();
  const out: AnalyzedPost[] = [];
  for (let i = 0; i < posts.length; i += SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const post of posts.slice(i, i + SLICE)) out.push(analyzePost(analyzer, post, seen));
  }
  return out;
}

type TextAnalysis = Pick<AnalyzedPost, 'analysis' | 'references' | 'dedupeKey'>;
type TextCache = Map<string, TextAnalysis>;

function analyzePost(analyzer: PostAnalyzer, post: NormalizedPost, seen: TextCache): AnalyzedPost {
  const key = `${post.lang ?? ''}\u0000${post.text}`;
  let text = seen.get(key);
  if (!text) {
    text = { analysis: analyzer.analyze(post.text, post.lang), references: analyzer.references(post.text), dedupeKey: analyzer.dedupeKey(post.text) };
    seen.set(key, text);
  }
  return { post, subjectIds: analyzer.matchSubjects(post), ...text };
}

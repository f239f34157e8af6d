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

export function analyzePosts(analyzer: PostAnalyzer, posts: NormalizedPost[]): AnalyzedPost[] {
  return posts.map((post) => ({
    post,
    subjectIds: analyzer.matchSubjects(post),
    analysis: analyzer.analyze(post.text, post.lang),
    references: analyzer.references(post.text),
    dedupeKey: analyzer.dedupeKey(post.text),
  }));
}

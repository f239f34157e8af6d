import type { Analysis } from '../../shared/domain';
import type { PostAnalyzer } from '../../server/pipeline/analyzer';
import type { NormalizedPost } from '../../server/sources/source';

/** A post with sensible defaults; override what the test is about. */
export function makePost(over: Partial<NormalizedPost> & { nativeId: string }): NormalizedPost {
  return {
    source: 'test',
    url: null,
    author: { id: `a-${over.nativeId}`, handle: null, name: null, followers: null },
    createdAt: new Date('2026-03-02T10:15:00Z'),
    text: 'hello',
    lang: 'en',
    kind: 'original',
    parentNativeId: null,
    repostOfNativeId: null,
    metrics: null,
    ...over,
  };
}

/**
 * A transparent analyzer for pipeline tests: subjects by substring, label from a leading word
 * ("bad ..." negative, "good ..." positive). The engines have their own tests; this keeps pipeline
 * tests about the pipeline.
 */
export function wordAnalyzer(subjects: Record<string, number>): PostAnalyzer {
  return {
    matchSubjects: (p) => Object.entries(subjects).filter(([w]) => p.text.toLowerCase().includes(w)).map(([, id]) => id),
    analyze: (text): Analysis => {
      const label = text.startsWith('bad') ? 'negative' : text.startsWith('good') ? 'positive' : 'neutral';
      const score = label === 'negative' ? -0.5 : label === 'positive' ? 0.5 : 0;
      const aspects = text.includes('late') ? [{ aspect: 'delivery' as const, polarity: -1 }] : [];
      return { score, label, confidence: 0.9, lang: 'en', rationale: [], aspects, intent: label === 'negative' ? 'complaint' : 'other' };
    },
    references: (text) => [...text.matchAll(/order #(\d+)/g)].map((m) => ({ type: 'order', value: m[1]! })),
    dedupeKey: (text) => text.toLowerCase().replace(/\W+/g, ' ').trim(),
  };
}

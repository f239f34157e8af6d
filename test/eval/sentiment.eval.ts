/**
 * `npm run eval:sentiment`: Earshot's sentiment engine against the references, in one run, on the
 * labelled data in ../shared/data (never the training files):
 * - SemEval 2016 task 4A test (twitter-2016test-A.txt): AvgRec (macro recall, the task's measure),
 *   macro-F1, F1^PN (the 2016 official measure) and accuracy;
 * - VADER's human-rated tweets and Amazon review snippets: Pearson r of the score with the human mean.
 * Rows: the engine (both layers), each layer alone, the `vader-sentiment` package (compound with
 * ±0.05 thresholds) and natural's AFINN SentimentAnalyzer with the Porter stemmer.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { analyze, classification, parseSemEval, parseVader, pearson, type SentimentClass } from '../../server/analysis/sentiment';
import { iterateScenarioPosts } from '../../server/sources/demo/scenario';
import { BACKGROUND, CAMPAIGN_TEXT, FOREIGN, INCIDENTS } from '../../server/sources/demo/vocabulary';
import { sharedDataDir } from '../support/env';

type Scorer = { name: string; score(text: string): { label: string; score: number } };

const require = createRequire(import.meta.url);

function vaderScorer(): Scorer {
  const vader = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(t: string): { compound: number } } };
  return {
    name: 'vader-sentiment (reference)',
    score(text) {
      const c = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
      return { score: c, label: c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral' };
    },
  };
}

function afinnScorer(): Scorer {
  // Only the analyzer and the stemmer: require('natural') whole takes about a second.
  const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer.js') as new (lang: string, stemmer: unknown, type: string) => { getSentiment(words: string[]): number };
  const stemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as unknown;
  const analyzer = new SentimentAnalyzer('English', stemmer, 'afinn');
  return {
    name: "natural AFINN + Porter",
    score(text) {
      const s = analyzer.getSentiment(text.toLowerCase().match(/[a-z0-9']+/g) ?? []);
      return { score: Number.isFinite(s) ? s : 0, label: s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral' };
    },
  };
}

const engine = (name: string, layers: 'combined' | 'linear' | 'rules' | 'model'): Scorer => ({
  name,
  // The data sets are English; the network would say so, so the detector is not measured here.
  score: (text) => analyze(text, { lang: 'en', layers }),
});

/**
 * The complaint domain, on the built-in demo's synthetic posts (seeded; each carries the polarity it
 * was written with). Synthetic and templated, and the domain lexicon knows some of its phrases: a
 * check of the domain story (negative share against the truth), not a benchmark. For the engine it
 * also prints the confusion matrix and the templates it misjudges most, with its rationale. Most of
 * the engine's excess negative share is one lukewarm template, "meh, {s} is fine i guess" (truth
 * neutral, read negative: the tweet-trained layer reads "meh" with a verdict as negative); left as
 * it is, since people could label it either way and reading mixed evidence as neutral costs about
 * 0.002 of out-of-fold AvgRec on the training tweets.
 */
function demo(scorers: Scorer[]): void {
  const posts: Array<{ text: string; label: SentimentClass }> = [];
  for (const p of iterateScenarioPosts({ seed: 11, start: new Date('2026-01-01T00:00:00Z'), days: Infinity, postsPerDay: 5000 })) {
    if (p.post.lang === 'en') posts.push({ text: p.post.text, label: p.truth.polarity });
    if (posts.length >= 10_000) break;
  }
  const share = (labels: string[]) => labels.filter((l) => l === 'negative').length / labels.length;
  console.log(`\nDemo scenario (synthetic, ${posts.length} English posts; truth negative share ${share(posts.map((p) => p.label)).toFixed(3)}):`);
  for (const s of scorers) {
    const predicted = posts.map((p) => s.score(p.text).label);
    const c = classification(posts.map((p) => p.label), predicted);
    console.log(`  ${s.name.padEnd(28)} accuracy ${c.accuracy.toFixed(3)}  AvgRec ${c.avgRec.toFixed(3)}  negative share ${share(predicted).toFixed(3)}`);
  }
  misjudged(posts);
}

/**
 * Complaints written by hand for the issues evaluation (test/eval/data; every one a complaint, some
 * phrased as questions): how many each scorer reads as negative. A guard on the other side of the
 * demo's neutral talk: implicit complaints with no sentiment word ("Sent the US plug version to
 * the UK") are what a stricter reading of weak evidence loses.
 */
function complaints(scorers: Scorer[]): void {
  const files = ['complaints.jsonl', 'complaints-holdout.jsonl'].map((f) => fileURLToPath(new URL(`./data/${f}`, import.meta.url)));
  if (!files.every(existsSync)) return;
  const texts = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { text: string }).text));
  console.log(`\nHand-written complaints (test/eval/data, ${texts.length} posts): share read as negative`);
  for (const s of scorers) console.log(`  ${s.name.padEnd(28)} ${(texts.filter((t) => s.score(t).label === 'negative').length / texts.length).toFixed(3)}`);
}

const CLASSES: SentimentClass[] = ['negative', 'neutral', 'positive'];

/** The generator's templates as patterns, so a post is traced back to the template it was written from. */
function templatePatterns(): Array<{ template: string; pattern: RegExp }> {
  // Reposts of the foreign posts reach here too: the scenario gives every repost lang 'en'.
  const texts = [...Object.values(BACKGROUND).flatMap((list) => list.map((t) => t.text)), ...Object.values(INCIDENTS).flatMap((v) => v.texts), CAMPAIGN_TEXT, ...FOREIGN.map((f) => f.text)];
  const slot: Record<string, string> = { '{s}': '.+?', '{order}': '\\d+', '{inv}': '\\d+', '{emoji}': '(?: .+)?' };
  return texts.map((template) => {
    // An empty emoji takes its space with it (the generator trims the end).
    const body = template
      .replace(/ ?\{(pos|neg)_emoji\}/g, '{emoji}')
      .split(/(\{[a-z]+\})/)
      .map((part) => slot[part] ?? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('');
    return { template, pattern: new RegExp(`^(?:RT @\\S+: )?${body}$`, 's') };
  });
}

function misjudged(posts: Array<{ text: string; label: SentimentClass }>): void {
  const patterns = templatePatterns();
  const matrix = CLASSES.map(() => new Map<string, number>());
  const byTemplate = new Map<string, { truth: SentimentClass; n: number; wrong: Map<string, number>; example: string }>();
  for (const p of posts) {
    const a = analyze(p.text, { lang: 'en' });
    const row = matrix[CLASSES.indexOf(p.label)]!;
    row.set(a.label, (row.get(a.label) ?? 0) + 1);
    const template = patterns.find((x) => x.pattern.test(p.text))?.template ?? '(no template)';
    const t = byTemplate.get(template) ?? { truth: p.label, n: 0, wrong: new Map<string, number>(), example: '' };
    t.n++;
    if (a.label !== p.label) {
      t.wrong.set(a.label, (t.wrong.get(a.label) ?? 0) + 1);
      if (!t.example) t.example = `"${p.text}" -> ${a.label} (score ${a.score}; ${a.rationale.map((r) => `${r.feature} ${r.weight}`).join(', ') || 'no rationale: the learned layer alone'})`;
    }
    byTemplate.set(template, t);
  }
  console.log('\n  Earshot on the demo, truth (rows) against label (columns):');
  console.log(`  ${''.padEnd(10)}${CLASSES.map((c) => c.padStart(10)).join('')}`);
  CLASSES.forEach((c, i) => console.log(`  ${c.padEnd(10)}${CLASSES.map((d) => String(matrix[i]!.get(d) ?? 0).padStart(10)).join('')}`));
  const worst = [...byTemplate].map(([template, t]) => ({ template, ...t, errors: [...t.wrong.values()].reduce((x, y) => x + y, 0) })).filter((t) => t.errors > 0);
  worst.sort((a, b) => b.errors - a.errors);
  console.log('  Most misjudged templates (errors / posts, truth -> labels given):');
  for (const t of worst.slice(0, 8)) {
    console.log(`  ${String(t.errors).padStart(5)} / ${String(t.n).padEnd(5)} ${t.truth} -> ${[...t.wrong].map(([l, n]) => `${l} ${n}`).join(', ')}: ${t.template}`);
    console.log(`                e.g. ${t.example}`);
  }
}

function main(): number {
  const dir = sharedDataDir;
  const files = { semeval: `${dir}/semeval/twitter-2016test-A.txt`, tweets: `${dir}/vader/tweets_GroundTruth.txt`, amazon: `${dir}/vader/amazonReviewSnippets_GroundTruth.txt` };
  if (!Object.values(files).every(existsSync)) {
    console.log(`skipped: the labelled data is not at ${dir}`);
    return 0;
  }
  const semeval = parseSemEval(readFileSync(files.semeval, 'utf8'));
  const tweets = parseVader(readFileSync(files.tweets, 'utf8'));
  const amazon = parseVader(readFileSync(files.amazon, 'utf8'));
  const scorers = [
    engine('Earshot (rules + model)', 'combined'),
    engine('Earshot w/o second stage', 'linear'),
    engine('Earshot rules only', 'rules'),
    engine('Earshot model only', 'model'),
    vaderScorer(),
    afinnScorer(),
  ];
  console.log(`SemEval 2016 test: ${semeval.length} tweets; VADER tweets: ${tweets.length}; Amazon snippets: ${amazon.length}\n`);
  const head = ['scorer', 'AvgRec', 'macro-F1', 'F1^PN', 'accuracy', 'tweets r', 'Amazon r', 'posts/s'];
  const rows: string[][] = [];
  for (const s of scorers) {
    const t0 = performance.now();
    const predicted = semeval.map((r) => s.score(r.text).label);
    const rate = semeval.length / ((performance.now() - t0) / 1000);
    const c = classification(semeval.map((r) => r.label), predicted);
    const r = (rows: typeof tweets) => pearson(rows.map((x) => x.rating), rows.map((x) => s.score(x.text).score));
    rows.push([s.name, c.avgRec, c.macroF1, c.f1pn, c.accuracy, r(tweets), r(amazon)].map((v) => (typeof v === 'number' ? v.toFixed(3) : v)).concat(Math.round(rate).toString()));
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  demo(scorers.filter((x) => !x.name.includes('only')));
  complaints(scorers.filter((x) => !x.name.includes('only')));
  console.log(
    "\nRows: the engine is both layers with the second stage (an NB-weighted model and a logistic regression over both models' log-odds and the rules' counts, stack.ts); 'w/o second stage' is both layers with the first model's probabilities; 'rules only' is the lexicon-and-rules layer with VADER's ±0.05 thresholds; 'model only' is the first learned model without the rules' pull on the label and score (its inputs still include the lexicon readings as features).",
  );
  console.log('Targets: AvgRec >= 0.65 and >= VADER + 0.10; tweets r >= 0.85; Amazon r >= 0.65. posts/s here includes the eval loop (see npm run bench for the scorer alone).');
  return 0;
}

process.exitCode = main();

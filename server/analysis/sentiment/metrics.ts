/** Measures of a sentiment scorer: SemEval's macro-averaged recall, macro-F1, accuracy, Pearson r. */
import { CLASSES, type SentimentClass } from './model';

export interface ClassificationReport {
  n: number;
  accuracy: number;
  /** SemEval's AvgRec: recall averaged over the three classes. */
  avgRec: number;
  macroF1: number;
  /** SemEval 2016's official F1^PN: F1 averaged over positive and negative. */
  f1pn: number;
}

/** @example classification(['positive'], ['positive']).accuracy // 1 */
export function classification(gold: readonly SentimentClass[], predicted: readonly string[]): ClassificationReport {
  const tp = [0, 0, 0];
  const goldN = [0, 0, 0];
  const predN = [0, 0, 0];
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = CLASSES.indexOf(gold[i]!);
    const p = CLASSES.indexOf(predicted[i] as SentimentClass);
    goldN[g]!++;
    if (p >= 0) predN[p]!++;
    if (g === p) {
      tp[g]!++;
      correct++;
    }
  }
  const recall = tp.map((t, c) => (goldN[c] ? t / goldN[c]! : 0));
  const f1 = tp.map((t, c) => {
    const prec = predN[c] ? t / predN[c]! : 0;
    const rec = recall[c]!;
    return prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { n: gold.length, accuracy: gold.length ? correct / gold.length : 0, avgRec: mean(recall), macroF1: mean(f1), f1pn: (f1[0]! + f1[2]!) / 2 };
}

/** Pearson's correlation coefficient. @example pearson([1, 2, 3], [2, 4, 7]) // ≈ 0.99 */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : 0;
}

/**
 * Spike and trend detection, the pure core. Usage from the derive step, every few minutes:
 *
 *   const { state: next, events } = detect(state, { subjects, issues, sources }, now);
 *   save(next); for each event: upsert the alert by `alert.key` (one open per key) and notify.
 *
 * `subjects[].buckets` and `issues[].buckets` come from `bucketize` (or from rollups) and cover
 * the completed buckets since the last call; the state is plain JSON.
 */
export * from './types';
export { bucketize, emptyBucket, type BucketPost } from './bucketize';
export { countUpperTail, binomialUpperTail } from './tail';
export { defaultLifecycleParams, emptyAlertBook, openAlerts, severityOf, stepAlerts, type AlertBook, type LifecycleParams } from './lifecycle';
export { defaultBaselineParams, emptyBaseline, expectedAt, learn, type Baseline, type BaselineParams } from './baseline';
export {
  defaultDetectParams,
  detect,
  detectInPlace,
  emptyDetectState,
  type DetectInput,
  type DetectParams,
  type DetectResult,
  type DetectState,
  type IssueInput,
  type SourceInput,
  type SubjectInput,
} from './engine';
export { deriveStep, emptyDeriveState, type DeriveOptions, type DerivePost, type DeriveResult, type DeriveState } from './derive-step';

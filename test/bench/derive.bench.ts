/**
 * Posts per second through the pure core of `derive`: issue grouping plus spike detection
 * (`deriveStep`), fed batches of 1,000 posts in time order as the ingester commits them.
 * Synthetic posts: five subjects, a daily rhythm, a third complaints drawn from a dozen
 * problems in varied words, the rest chatter.
 */
import { deriveStep, emptyDeriveState, type DerivePost } from '../../server/analysis/detect';
import { report, type BenchOptions } from './report';
import { seededRandom } from '../../server/sources/demo/random';

const rng = seededRandom;

const PROBLEMS = [
  ['my parcel never arrived', 'package still not delivered', 'delivery is a week late', 'where is my order?'],
  ['cracked housing on batch {n}', 'the case split open', 'casing cracked after a day', 'housing has a hairline crack'],
  ['charged twice this month', 'double billed again', 'overcharged on my invoice', 'unexpected fee on my card'],
  ['invoice {n} still not paid', 'payment overdue by 60 days', 'they owe us for invoice {n}', 'unpaid invoices piling up'],
  ['nobody answers support', 'on hold for an hour', 'no reply to my emails', 'ticket ignored for a week'],
  ['cannot log in to my account', 'password reset link broken', 'locked out again', 'verification code never arrives'],
  ['refund still not received', 'where is my money back', 'returned it a month ago, no refund', 'reimbursement pending forever'],
  ['charger started smoking', 'battery overheated and melted', 'sparks from the plug', 'the heater caught fire'],
];
const CHATTER = ['great product, love it', 'anyone tried the new model?', 'nice update today', 'shipping was fast, thanks', 'the new colours look good'];
const FILLER = ['', ' again', ' seriously', ' this is unacceptable', ' any update?', ' please help', ' #fail', ' day 3'];

function synthetic(n: number, seed: number): DerivePost[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const t0 = Date.UTC(2026, 3, 6);
  const span = 3 * 86_400_000;
  const posts: DerivePost[] = [];
  for (let i = 0; i < n; i++) {
    // Denser in the afternoon: a daily rhythm.
    let at = t0 + r() * span;
    if (r() < 0.4) at = Math.floor(at / 86_400_000) * 86_400_000 + (12 + r() * 8) * 3_600_000;
    const complaint = r() < 0.35;
    const text = complaint ? pick(pick(PROBLEMS)).replace('{n}', String(40 + Math.floor(r() * 5))) + pick(FILLER) : pick(CHATTER) + pick(FILLER);
    posts.push({
      id: `b${i}`,
      text,
      createdAt: new Date(Math.floor(at)),
      authorId: `u${Math.floor(r() * n * 0.6)}`,
      source: pick(['x', 'bluesky', 'mastodon']),
      subjectIds: [1 + Math.floor(r() * 5)],
      label: complaint ? 'negative' : pick(['positive', 'neutral']),
      groupable: complaint,
    });
  }
  return posts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export async function run(opts: BenchOptions): Promise<void> {
  const n = opts.large ? 500_000 : 100_000;
  const posts = synthetic(n, 42);
  const state = emptyDeriveState();
  const started = performance.now();
  for (let i = 0; i < posts.length; i += 1000) {
    const batch = posts.slice(i, i + 1000);
    const now = batch[batch.length - 1]?.createdAt ?? new Date();
    deriveStep(state, batch, now);
  }
  const seconds = (performance.now() - started) / 1000;
  report('derive_posts_per_s', n / seconds, 'posts/s');
}

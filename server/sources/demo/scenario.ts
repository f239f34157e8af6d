/**
 * The demo scenario: weeks of realistic posts about a company, its suppliers and a product, with
 * a daily and weekly rhythm, a power law of authors, reposts, a copy-paste campaign, posts in other
 * languages, and injected incidents whose ground truth (onset, subject, issue) comes with every
 * post. Pure and deterministic: the start time and the seed are parameters.
 */
import type { NormalizedPost } from '../source';
import { Random } from './random';
import { BACKGROUND, CAMPAIGN_TEXT, DEMO_SUBJECTS, FOREIGN, INCIDENTS, NEG_EMOJI, POS_EMOJI, type DemoSubject, type IncidentKind, type Template } from './vocabulary';

export type { DemoSubject, IncidentKind } from './vocabulary';

const HOUR = 3_600_000;

export interface IncidentSpec {
  kind: IncidentKind;
  onset: Date;
  /** Peak posts per hour (default by kind). */
  peakPerHour?: number;
}

export interface Incident {
  id: string;
  kind: IncidentKind;
  subjectKey: string;
  label: string;
  issueKey: string;
  onset: Date;
  /**
   * When the incident's first post was actually emitted (null when it emitted none). Posts are drawn
   * hour by hour at the rate of the hour's middle, so the first one comes 0-60 min after `onset`
   * (an onset in an hour's second half emits nothing before the next hour): before it there is
   * nothing to observe, which is why detection delay is measured from here.
   */
  firstPostAt: Date | null;
  end: Date;
  references: string[];
  expectedPolarity: 'negative' | 'positive';
}

export interface DemoPost {
  post: NormalizedPost;
  truth: {
    subjectKeys: string[];
    incidentId: string | null;
    /** Stable key of the recurring topic (complaint topics and incidents), else null. */
    issueKey: string | null;
    polarity: 'positive' | 'neutral' | 'negative';
  };
}

export interface ScenarioOptions {
  seed: number;
  start: Date;
  /** Days to generate; Infinity for an endless stream (the live demo). */
  days: number;
  postsPerDay?: number;
  /** Incidents to inject; default: one of each kind in every 20-day cycle. */
  incidents?: IncidentSpec[];
}

const PEAK: Record<IncidentKind, number> = { defect_wave: 45, delivery_outage: 40, billing_dispute: 30, viral_praise: 80 };
const DURATION = 8 * HOUR;
const RAMP = 0.75 * HOUR;

/** The default schedule: each kind once per 20 days, at a seeded daytime hour. */
export function defaultIncidents(seed: number, start: Date, days: number): IncidentSpec[] {
  const r = new Random(seed ^ 0x5eed);
  const plan: Array<[IncidentKind, number]> = [
    ['delivery_outage', 3],
    ['billing_dispute', 8],
    ['viral_praise', 12],
    ['defect_wave', 16],
  ];
  const out: IncidentSpec[] = [];
  const cycles = Number.isFinite(days) ? Math.ceil(days / 20) : 50;
  for (let c = 0; c < cycles; c++) {
    for (const [kind, day] of plan) {
      const d = c * 20 + day;
      if (d >= days) continue;
      out.push({ kind, onset: new Date(start.getTime() + d * 24 * HOUR + r.int(8, 18) * HOUR + r.int(0, 59) * 60_000) });
    }
  }
  return out;
}

/** Activity by hour of day (UTC) and weekday: quiet nights, busy afternoons and evenings, calmer weekends. */
function rhythm(t: number): number {
  const d = new Date(t);
  const h = d.getUTCHours();
  const daily = 0.15 + 0.85 * Math.max(0, Math.sin(((h - 6) / 18) * Math.PI)) ** 1.2;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0.7 : 1;
  return daily * weekend;
}

function incidentRate(spec: IncidentSpec, t: number): number {
  const dt = t - spec.onset.getTime();
  if (dt < 0 || dt > DURATION) return 0;
  const peak = spec.peakPerHour ?? PEAK[spec.kind];
  if (dt < RAMP) return peak * (0.3 + 0.7 * (dt / RAMP));
  if (dt < RAMP + 2 * HOUR) return peak;
  return peak * Math.max(0, 1 - (dt - RAMP - 2 * HOUR) / (DURATION - RAMP - 2 * HOUR));
}

const SUBJECT_WEIGHTS: Array<[string, number]> = [
  ['northwind', 0.3],
  ['aero', 0.2],
  ['kestrel', 0.125],
  ['volta', 0.125],
  ['swifthaul', 0.125],
  ['ledgerly', 0.125],
];

/** Generates the scenario lazily, in time order, in bounded memory. */
export function* iterateScenarioPosts(options: ScenarioOptions): Generator<DemoPost> {
  const r = new Random(options.seed);
  const perDay = options.postsPerDay ?? 1500;
  const specs = (options.incidents ?? defaultIncidents(options.seed, options.start, options.days)).slice().sort((a, b) => a.onset.getTime() - b.onset.getTime());
  const incidents = specs.map((s, i) => toIncident(s, i));
  const subjects = new Map(DEMO_SUBJECTS.map((s) => [s.key, s]));
  const recent: DemoPost[] = [];
  let seq = 0;
  let newVoice = 0;
  const end = options.start.getTime() + options.days * 24 * HOUR;
  const avgRhythm = 0.45;

  for (let hourStart = Math.floor(options.start.getTime() / HOUR) * HOUR; hourStart < end; hourStart += HOUR) {
    const batch: Array<Omit<DemoPost, 'post'> & { at: number; text: string; author: number | string; lang: string; repostOf?: DemoPost }> = [];
    const n = r.poisson(((perDay / 24) * rhythm(hourStart + HOUR / 2)) / avgRhythm);
    for (let i = 0; i < n; i++) {
      const at = hourStart + Math.floor(r.next() * HOUR);
      if (recent.length > 20 && r.chance(0.06)) {
        batch.push({ ...repostOf(r.pick(recent)), at, author: poolAuthor(r) });
        continue;
      }
      const subject = subjects.get(weighted(r, SUBJECT_WEIGHTS))!;
      if (r.chance(0.03)) {
        const f = r.pick(FOREIGN);
        batch.push({ at, text: fill(r, f.text, subject), author: poolAuthor(r), lang: f.lang, truth: { subjectKeys: [subject.key], incidentId: null, issueKey: null, polarity: 'negative' } });
        continue;
      }
      const t: Template = r.pick([...(BACKGROUND[subject.key] ?? []), ...BACKGROUND['*']!]);
      batch.push({ at, text: fill(r, t.text, subject), author: poolAuthor(r), lang: 'en', truth: { subjectKeys: keysIn(subject, t.text), incidentId: null, issueKey: t.topic, polarity: t.polarity } });
    }
    for (const inc of incidents) {
      const spec = specs[incidents.indexOf(inc)]!;
      const vocab = INCIDENTS[inc.kind];
      const subject = subjects.get(vocab.subjectKey)!;
      const m = r.poisson(incidentRate(spec, hourStart + HOUR / 2));
      // Within the incident's own window only: nothing of it exists before onset.
      const lo = Math.max(hourStart, inc.onset.getTime());
      const hi = Math.min(hourStart + HOUR, inc.end.getTime());
      for (let i = 0; i < m && hi > lo; i++) {
        const at = lo + Math.floor(r.next() * (hi - lo));
        // Viral praise travels by reposts; complaint waves are many people each telling their story.
        if (inc.kind === 'viral_praise' && recent.length > 0 && r.chance(0.5)) {
          const original = [...recent].reverse().find((p) => p.truth.incidentId === inc.id);
          if (original) {
            batch.push({ ...repostOf(original), at, author: `voice${newVoice++}` });
            continue;
          }
        }
        const text = inc.kind === 'billing_dispute' && r.chance(0.25) ? CAMPAIGN_TEXT : fill(r, r.pick(vocab.texts), subject);
        batch.push({ at, text, author: r.chance(0.9) ? `voice${newVoice++}` : poolAuthor(r), lang: 'en', truth: { subjectKeys: keysIn(subject, text), incidentId: inc.id, issueKey: vocab.issueKey, polarity: vocab.polarity } });
      }
    }
    batch.sort((a, b) => a.at - b.at);
    for (const b of batch) {
      const id = `d${seq++}`;
      const authorId = typeof b.author === 'number' ? `demo-user-${b.author}` : `demo-${b.author}`;
      const handle = typeof b.author === 'number' ? `user${b.author}` : String(b.author);
      const repost = b.repostOf;
      const dp: DemoPost = {
        post: {
          source: 'demo',
          nativeId: id,
          url: `https://demo.earshot.invalid/${handle}/${id}`,
          author: { id: authorId, handle, name: null, followers: typeof b.author === 'number' ? Math.round(50_000 / (b.author + 1)) : 40 + (seq % 500) },
          createdAt: new Date(b.at),
          text: repost ? `RT @${repost.post.author.handle}: ${repost.post.text}` : b.text,
          lang: b.lang,
          kind: repost ? 'repost' : 'original',
          parentNativeId: null,
          repostOfNativeId: repost ? repost.post.nativeId : null,
          metrics: null,
        },
        truth: b.truth,
      };
      if (!repost) {
        recent.push(dp);
        if (recent.length > 300) recent.shift();
      }
      yield dp;
    }
  }
}

/** A repost carries its original's text and language (a Spanish post reposted is still Spanish). */
function repostOf(original: DemoPost) {
  return { text: original.post.text, lang: original.post.lang ?? 'en', truth: { ...original.truth }, repostOf: original };
}

/** A few loud accounts, many occasional ones (a power law over a pool of 4,000). */
function poolAuthor(r: Random): number {
  return Math.floor(4000 * r.next() ** 2.2);
}

function weighted(r: Random, items: Array<[string, number]>): string {
  let x = r.next();
  for (const [k, w] of items) if ((x -= w) < 0) return k;
  return items[items.length - 1]![0];
}

function fill(r: Random, template: string, s: DemoSubject): string {
  return template
    .replace(/\{s\}/g, () => r.pick(s.mentions))
    .replace(/\{order\}/g, () => String(r.int(40_000, 49_999)))
    .replace(/\{inv\}/g, () => String(r.int(100, 999)).padStart(4, '0'))
    .replace(/\{pos_emoji\}/g, () => r.pick(POS_EMOJI))
    .replace(/\{neg_emoji\}/g, () => r.pick(NEG_EMOJI))
    .replace(/\s+$/, '');
}

function keysIn(s: DemoSubject, text: string): string[] {
  return /aero x/i.test(text) && s.key !== 'aero' ? [s.key, 'aero'] : [s.key];
}

function toIncident(spec: IncidentSpec, i: number): Incident {
  const v = INCIDENTS[spec.kind];
  return {
    id: `incident-${i + 1}-${spec.kind}`,
    kind: spec.kind,
    subjectKey: v.subjectKey,
    label: v.label,
    issueKey: v.issueKey,
    onset: spec.onset,
    firstPostAt: null,
    end: new Date(spec.onset.getTime() + DURATION),
    references: v.references,
    expectedPolarity: v.polarity === 'positive' ? 'positive' : 'negative',
  };
}

export interface Scenario {
  subjects: DemoSubject[];
  incidents: Incident[];
  posts: DemoPost[];
}

/** The whole scenario in memory (finite `days` only). */
export function generateScenario(options: ScenarioOptions): Scenario {
  if (!Number.isFinite(options.days)) throw new Error('generateScenario needs a finite number of days; use iterateScenarioPosts');
  const specs = (options.incidents ?? defaultIncidents(options.seed, options.start, options.days)).slice().sort((a, b) => a.onset.getTime() - b.onset.getTime());
  const posts = [...iterateScenarioPosts({ ...options, incidents: specs })];
  const first = new Map<string, Date>();
  for (const p of posts) if (p.truth.incidentId !== null && !first.has(p.truth.incidentId)) first.set(p.truth.incidentId, p.post.createdAt);
  const incidents = specs.map((s, i) => {
    const inc = toIncident(s, i);
    return { ...inc, firstPostAt: first.get(inc.id) ?? null };
  });
  return { subjects: DEMO_SUBJECTS, incidents, posts };
}

/**
 * Sources a user configures from Settings → Sources or the API. Each kind has a public `config`
 * (returned by the API) and `secrets` (credentials: stored sealed, never returned, never logged).
 */
import { z } from 'zod';
import { sourceHealth } from './health';

export const sourceKinds = ['x', 'bluesky', 'mastodon', 'rss'] as const;
export const sourceKind = z.enum(sourceKinds);
export type SourceKind = z.infer<typeof sourceKind>;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
const wsUrl = z.url({ protocol: /^wss?$/ }).max(2000);
/** A name a person reads; the source id is the kind plus a slug of it. */
const sourceName = z.string().trim().min(1).max(80);

export const xSourceConfig = z.object({
  kind: z.literal('x'),
  name: sourceName,
  /** Recent-search polling per subject, the filtered stream with rules from the subjects, or both. */
  mode: z.enum(['search', 'stream', 'both']).default('search'),
  pollIntervalSeconds: z.number().int().min(15).max(86_400).default(60),
  /** Posts per calendar month (UTC) this source may read; X bills per post read. Null: no cap. */
  monthlyReadBudget: z.number().int().positive().nullable().default(null),
  /** Override of https://api.x.com (a proxy, or the local fake in tests). */
  apiBase: httpUrl.optional(),
});
export const xSourceSecrets = z.object({ bearerToken: z.string().trim().min(1).max(1000) });

export const blueskySourceConfig = z.object({
  kind: z.literal('bluesky'),
  name: sourceName,
  /** A Jetstream instance; Earshot asks for wantedCollections=app.bsky.feed.post and matches locally. */
  url: wsUrl.default('wss://jetstream2.us-east.bsky.network/subscribe'),
});
export const blueskySourceSecrets = z.object({}).strict();

export const mastodonSourceConfig = z.object({
  kind: z.literal('mastodon'),
  name: sourceName,
  instanceUrl: httpUrl,
  /** Hashtags to follow, without '#'. */
  hashtags: z.array(z.string().trim().regex(/^#?[\p{L}\p{N}_]{1,100}$/u, 'a hashtag is letters, digits and _')).min(1).max(50),
});
export const mastodonSourceSecrets = z.object({ accessToken: z.string().trim().min(1).max(1000) });

export const rssSourceConfig = z.object({
  kind: z.literal('rss'),
  name: sourceName,
  feedUrl: httpUrl,
  intervalSeconds: z.number().int().min(60).max(86_400).default(900),
});
export const rssSourceSecrets = z.object({}).strict();

export const sourceConfig = z.discriminatedUnion('kind', [xSourceConfig, blueskySourceConfig, mastodonSourceConfig, rssSourceConfig]);
export type SourceConfig = z.infer<typeof sourceConfig>;
export type XSourceConfig = z.infer<typeof xSourceConfig>;
export type BlueskySourceConfig = z.infer<typeof blueskySourceConfig>;
export type MastodonSourceConfig = z.infer<typeof mastodonSourceConfig>;
export type RssSourceConfig = z.infer<typeof rssSourceConfig>;

export const sourceSecretsByKind = {
  x: xSourceSecrets,
  bluesky: blueskySourceSecrets,
  mastodon: mastodonSourceSecrets,
  rss: rssSourceSecrets,
} as const;
export type SourceSecrets<K extends SourceKind> = z.infer<(typeof sourceSecretsByKind)[K]>;

/** POST /api/sources and POST /api/sources/test. */
export const sourceInput = z.object({
  config: sourceConfig,
  /** Checked against the kind's secrets schema on the server. */
  secrets: z.record(z.string(), z.string().max(1000)).default({}),
});
export type SourceInput = z.input<typeof sourceInput>;

export const sourceView = z.object({
  id: z.string(),
  kind: sourceKind,
  config: sourceConfig,
  /** Which credentials are set; their values never leave the server. */
  secretsSet: z.array(z.string()),
  paused: z.boolean(),
  postsIngested: z.number(),
  createdAt: z.string(),
  health: sourceHealth.nullable(),
});
export type SourceView = z.infer<typeof sourceView>;

export const sourcesResponse = z.object({ sources: z.array(sourceView) });
export const sourceTestResponse = z.object({ ok: z.boolean(), message: z.string() });
export type SourceTestResult = z.infer<typeof sourceTestResponse>;

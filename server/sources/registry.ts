/**
 * The kinds of source a user can configure (Settings → Sources, /api/sources), each a factory from
 * its validated config and credentials to a running `Source`, plus a one-request connection test.
 * A kind missing from `sourceKinds` below is refused by the API with a clear message.
 */
import type { SourceConfig, SourceKind, SourceSecrets, SourceTestResult } from '../../shared/api/sources';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { blueskyKind } from './bluesky/bluesky.kind';
import { mastodonKind } from './mastodon/mastodon.kind';
import { rssSourceKind } from './rss/rss.source';
import type { Source } from './source';
import { xSourceKind } from './x/x.kind';

export interface SubjectQuery {
  id: number;
  name: string;
  query: string;
}

export interface SourceDeps {
  clock: Clock;
  logger: Logger;
  /** The active subjects and their queries, read fresh on every call (X search terms, stream rules). */
  subjects: () => Promise<SubjectQuery[]>;
}

export interface SourceKindDefinition<K extends SourceKind> {
  create(id: string, config: Extract<SourceConfig, { kind: K }>, secrets: SourceSecrets<K>, deps: SourceDeps): Source;
  /** One request that proves the config and credentials work; resolves (never rejects) with a readable message. */
  test(config: Extract<SourceConfig, { kind: K }>, secrets: SourceSecrets<K>, deps: SourceDeps): Promise<SourceTestResult>;
}

export type SourceKinds = { [K in SourceKind]?: SourceKindDefinition<K> };

/** Connectors register here (one line each). */
export const sourceKinds: SourceKinds = {};
sourceKinds.rss = rssSourceKind;
sourceKinds.bluesky = blueskyKind;
sourceKinds.x = xSourceKind;
sourceKinds.mastodon = mastodonKind;

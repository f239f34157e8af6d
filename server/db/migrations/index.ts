import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001_subjects_and_posts';
import * as m0002 from './0002_rollups';
import * as m0003 from './0003_issues_and_alerts';
import * as m0004 from './0004_accounts';
import * as m0005 from './0005_cases_and_records';
import * as m0006 from './0006_sources_and_settings';
import * as m0007 from './0007_posts_repost_index';
import * as m0008 from './0008_author_sketches';
import * as m0009 from './0009_records_lookup';
import * as m0011 from './0011_incidents';
import * as m0012 from './0012_reply_sending';
import * as m0014 from './0014_ingest_link_checks';
import * as m0015 from './0015_case_rule_matches';
import * as m0016 from './0016_hll_raise';
import * as m0017 from './0017_post_edits';

// Static imports rather than a folder scan: the list is explicit, ordered by name, and works the
// same under tsx, vitest and a bundle. Add new migrations at the end; never edit an old one.
const migrations: Record<string, Migration> = {
  '0001_subjects_and_posts': m0001,
  '0002_rollups': m0002,
  '0003_issues_and_alerts': m0003,
  '0004_accounts': m0004,
  '0005_cases_and_records': m0005,
  '0006_sources_and_settings': m0006,
  '0007_posts_repost_index': m0007,
  '0008_author_sketches': m0008,
  '0009_records_lookup': m0009,
  '0011_incidents': m0011,
  '0012_reply_sending': m0012,
  '0014_ingest_link_checks': m0014,
  '0015_case_rule_matches': m0015,
  '0016_hll_raise': m0016,
  '0017_post_edits': m0017,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** The 'mastodon' source kind: one instance and its hashtags (registry.ts registers it). */
import { errorMessage } from '../health';
import type { SourceKindDefinition } from '../registry';
import { MastodonHttpError, verifyCredentials } from './mastodon-api';
import { MastodonSource } from './mastodon.source';

const TEST_TIMEOUT_MS = 10_000;

export const mastodonKind: SourceKindDefinition<'mastodon'> = {
  create: (id, config, secrets, deps) => new MastodonSource(id, config, secrets, deps),
  async test(config, secrets) {
    const host = new URL(config.instanceUrl).host;
    const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
    try {
      const me = await verifyCredentials({ base: config.instanceUrl, token: secrets.accessToken }, signal);
      return { ok: true, message: `Signed in to ${host} as @${me.acct}` };
    } catch (error) {
      if (error instanceof MastodonHttpError && error.status === 401) {
        return { ok: false, message: `${host} refused the access token (401): check that it is valid and has the read:statuses scope` };
      }
      if (signal.aborted) return { ok: false, message: `No answer from ${host} within ${TEST_TIMEOUT_MS / 1000} s` };
      return { ok: false, message: `Could not reach ${host}: ${errorMessage(error)}` };
    }
  },
};

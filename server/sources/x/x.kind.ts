/** The 'x' kind in the source registry: a factory and a one-request connection test. */
import type { SourceKindDefinition } from '../registry';
import { makeXClient } from './x.client';
import { classifyXError } from './x.errors';
import { createXSource } from './x.source';

export const xSourceKind: SourceKindDefinition<'x'> = {
  create: (id, config, secrets, deps) => createXSource(id, config, secrets, deps),

  async test(config, secrets) {
    const client = makeXClient(secrets.bearerToken, config.apiBase).readOnly;
    try {
      if (config.mode === 'search') {
        // The smallest page X allows, for a phrase nobody posts: proves the token and the plan's search access.
        const page = await client.v2.search('"earshot connection test 7f3a"', { max_results: 10 });
        const left = page.rateLimit ? ` (${page.rateLimit.remaining} of ${page.rateLimit.limit} searches left in this window)` : '';
        return { ok: true, message: `X accepted the bearer token; recent search works${left}` };
      }
      // Listing stream rules reads no posts, so it costs nothing against the budget.
      const rules = await client.v2.streamRules();
      return { ok: true, message: `X accepted the bearer token; the filtered stream has ${rules.meta.result_count} rule(s)` };
    } catch (error) {
      const failure = classifyXError(error);
      if (failure.kind === 'auth') return { ok: false, message: 'X refused the connection: the bearer token was refused (401)' };
      if (failure.kind === 'forbidden') {
        const what = config.mode === 'search' ? 'recent search' : 'the filtered stream';
        return { ok: false, message: `The bearer token works, but the app's X plan does not include ${what} (403)` };
      }
      return { ok: false, message: failure.message };
    }
  },
};

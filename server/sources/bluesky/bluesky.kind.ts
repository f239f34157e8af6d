/** The 'bluesky' source kind: a Jetstream connection (registry.ts registers it). */
import { errorMessage } from '../health';
import type { SourceKindDefinition } from '../registry';
import { JetstreamConnection } from './jetstream-connection';
import { JetstreamSource } from './jetstream.source';

const TEST_TIMEOUT_MS = 10_000;

export const blueskyKind: SourceKindDefinition<'bluesky'> = {
  create: (id, config, _secrets, deps) => new JetstreamSource(id, config, deps),
  async test(config, _secrets, deps) {
    const url = new JetstreamSource('bluesky-test', config, deps).url(null);
    const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
    try {
      const connection = await JetstreamConnection.open(url, { signal, handshakeTimeoutMs: TEST_TIMEOUT_MS, now: () => deps.clock.now().getTime() });
      connection.close();
      return { ok: true, message: `Connected to Jetstream at ${new URL(config.url).host}` };
    } catch (error) {
      return { ok: false, message: signal.aborted ? `No answer from ${new URL(config.url).host} within ${TEST_TIMEOUT_MS / 1000} s` : `Could not connect to Jetstream: ${errorMessage(error)}` };
    }
  },
};

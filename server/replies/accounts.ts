/**
 * The accounts replies are posted from, one per network, with their credentials sealed in
 * reply_accounts. Builds each network's sender from its row, and keeps it (with its signed-in
 * session) until an admin changes the account.
 */
import type { Kysely } from 'kysely';
import { replySecretsByNetwork, type ReplyNetwork } from '../../shared/api/replies';
import type { SecretBox } from '../auth/secrets';
import { getReplyAccount } from '../db/repositories/replies.repository';
import type { Database, ReplyAccountRow } from '../db/tables';
import { AppError } from '../http/errors';
import { BlueskySender } from './bluesky.sender';
import { MastodonSender } from './mastodon.sender';
import type { ReplySender } from './sender';
import { XSender } from './x.sender';

export interface SenderSource {
  /** The sender for a network, or null when no account is set up for it. */
  get(network: ReplyNetwork): Promise<ReplySender | null>;
}

/** Builds a sender from an account row and its opened secrets. */
export function buildSender(row: ReplyAccountRow, secrets: Record<string, string>): ReplySender {
  if (row.network === 'x') {
    return new XSender({ handle: row.handle, credentials: replySecretsByNetwork.x.parse(secrets), apiBase: row.base_url });
  }
  if (row.network === 'bluesky') {
    const s = replySecretsByNetwork.bluesky.parse(secrets);
    return new BlueskySender({ service: row.base_url ?? 'https://bsky.social', identifier: s.identifier, appPassword: s.appPassword });
  }
  if (!row.base_url) throw new AppError(409, 'reply_account_incomplete', 'The Mastodon reply account needs its instance URL.');
  return new MastodonSender({ instanceUrl: row.base_url, accessToken: replySecretsByNetwork.mastodon.parse(secrets).accessToken });
}

export class ReplyAccounts implements SenderSource {
  private readonly cache = new Map<string, { version: string; sender: ReplySender }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  async get(network: ReplyNetwork): Promise<ReplySender | null> {
    const row = await getReplyAccount(this.db, network);
    if (!row) return null;
    // Every save seals anew (a fresh nonce), so the sealed text changes with any edit, even within one clock tick.
    const version = [row.secrets, row.base_url, row.handle, row.max_characters].join('|');
    const hit = this.cache.get(network);
    if (hit && hit.version === version) return hit.sender;
    const sender = buildSender(row, JSON.parse(this.box.open(row.secrets)) as Record<string, string>);
    this.cache.set(network, { version, sender });
    return sender;
  }
}

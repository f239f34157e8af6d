/**
 * Sources users configure from Settings → Sources or /api/sources: validated, stored with their
 * credentials sealed, started in the runner, paused, resumed, tested and removed. Credentials are
 * opened only to build a connector; nothing here returns or logs them.
 */
import type { Kysely } from 'kysely';
import { sourceConfig, sourceKinds as allKinds, sourceSecretsByKind, type SourceConfig, type SourceKind, type SourceTestResult, type SourceView } from '../../shared/api/sources';
import type { SecretBox } from '../auth/secrets';
import * as repo from '../db/repositories/sources.repository';
import type { Database } from '../db/tables';
import { AppError } from '../http/errors';
import type { Logger } from '../logger';
import type { SourceRunner } from '../pipeline/runner';
import { sourceKinds, type SourceDeps, type SourceKindDefinition, type SourceKinds } from '../sources/registry';
import type { Source } from '../sources/source';

export interface SourceInputParsed {
  config: SourceConfig;
  secrets: Record<string, string>;
}

/** `x:acme-global` from kind 'x' and name 'Acme global'. */
export function sourceId(kind: SourceKind, name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `${kind}:${slug || 'source'}`;
}

export class SourceManager {
  private readonly log: Logger;

  constructor(
    private readonly deps: { db: Kysely<Database>; secrets: SecretBox; runner: SourceRunner; sourceDeps: SourceDeps; logger: Logger },
    private readonly kinds: SourceKinds = sourceKinds,
  ) {
    this.log = deps.logger.child({ component: 'sources' });
  }

  /** Starts every configured source at boot; one that cannot be built is logged and skipped, never fatal. */
  async startConfigured(): Promise<void> {
    for (const row of await repo.listConfiguredSources(this.deps.db, allKinds)) {
      try {
        const source = this.build(row.id, sourceConfig.parse(row.config), this.openSecrets(row.secrets));
        this.deps.runner.add(source, { paused: row.paused });
      } catch (err) {
        this.log.error({ source: row.id, err: err instanceof Error ? err.message : String(err) }, 'a configured source could not start');
      }
    }
  }

  /**
   * X configured by environment (X_BEARER_TOKEN): run as source 'x:env' unless an X source was
   * configured in Settings, which wins. Its token stays in the environment, never in the database.
   */
  startFromEnvironment(x: { bearerToken: string | null; apiBase: string | null; monthlyReadBudget: number }): string | null {
    if (!x.bearerToken || !this.kinds.x) return null;
    const config = sourceConfig.parse({ kind: 'x', name: 'X (environment)', monthlyReadBudget: x.monthlyReadBudget, ...(x.apiBase ? { apiBase: x.apiBase } : {}) });
    const source = this.build('x:env', config, { bearerToken: x.bearerToken });
    this.deps.runner.add(source);
    return source.id;
  }

  async list(): Promise<SourceView[]> {
    const rows = await repo.listConfiguredSources(this.deps.db, allKinds);
    return rows.flatMap((row) => {
      const parsed = sourceConfig.safeParse(row.config);
      if (!parsed.success) return [];
      return [this.view(row, parsed.data)];
    });
  }

  async add(input: SourceInputParsed): Promise<SourceView> {
    const { config } = input;
    const secrets = this.checkSecrets(config.kind, input.secrets);
    const id = sourceId(config.kind, config.name);
    const source = this.build(id, config, secrets);
    const sealed = Object.keys(secrets).length ? this.deps.secrets.seal(JSON.stringify(secrets)) : null;
    if (!(await repo.insertConfiguredSource(this.deps.db, { id, kind: config.kind, config, secrets: sealed }))) {
      throw new AppError(409, 'duplicate_source', `A source "${id}" already exists; choose another name.`);
    }
    this.deps.runner.add(source);
    this.log.info({ source: id, kind: config.kind }, 'source added');
    const row = await repo.getConfiguredSource(this.deps.db, id);
    return this.view(row!, config);
  }

  /** Tries the config and credentials with one request, without saving anything. */
  async test(input: SourceInputParsed): Promise<SourceTestResult> {
    const secrets = this.checkSecrets(input.config.kind, input.secrets);
    const def = this.definition(input.config.kind) as SourceKindDefinition<SourceKind>;
    try {
      return await def.test(input.config as never, secrets as never, this.deps.sourceDeps);
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : 'the connection test failed' };
    }
  }

  async setPaused(id: string, paused: boolean): Promise<SourceView> {
    const row = await this.configured(id);
    await repo.setSourcePaused(this.deps.db, id, paused);
    if (this.deps.runner.has(id)) await this.deps.runner.setPaused(id, paused);
    this.log.info({ source: id }, paused ? 'source paused' : 'source resumed');
    return this.view({ ...row, paused }, sourceConfig.parse(row.config));
  }

  async remove(id: string): Promise<void> {
    await this.configured(id);
    await this.deps.runner.remove(id);
    await repo.deleteConfiguredSource(this.deps.db, id);
    this.log.info({ source: id }, 'source removed');
  }

  private async configured(id: string): Promise<repo.ConfiguredSourceRow> {
    const row = await repo.getConfiguredSource(this.deps.db, id);
    if (!row || !(allKinds as readonly string[]).includes(row.kind)) throw new AppError(404, 'not_found', 'Source not found');
    return row;
  }

  private definition(kind: SourceKind): SourceKindDefinition<SourceKind> {
    const def = this.kinds[kind] as SourceKindDefinition<SourceKind> | undefined;
    if (!def) throw new AppError(400, 'source_kind_unavailable', `This server has no ${kind} connector.`);
    return def;
  }

  private build(id: string, config: SourceConfig, secrets: Record<string, string>): Source {
    return this.definition(config.kind).create(id, config as never, secrets as never, this.deps.sourceDeps);
  }

  private checkSecrets(kind: SourceKind, secrets: Record<string, string>): Record<string, string> {
    const parsed = sourceSecretsByKind[kind].safeParse(secrets);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || 'secrets').join(', ');
      throw new AppError(400, 'invalid_secrets', `The ${kind} source's credentials are missing or invalid: ${fields}.`);
    }
    return parsed.data as Record<string, string>;
  }

  private openSecrets(sealed: string | null): Record<string, string> {
    return sealed ? (JSON.parse(this.deps.secrets.open(sealed)) as Record<string, string>) : {};
  }

  private view(row: repo.ConfiguredSourceRow, config: SourceConfig): SourceView {
    let secretsSet: string[] = [];
    try {
      secretsSet = Object.keys(this.openSecrets(row.secrets));
    } catch {
      secretsSet = [];
    }
    return {
      id: row.id,
      kind: config.kind,
      config,
      secretsSet,
      paused: row.paused,
      postsIngested: Number(row.posts_ingested),
      createdAt: row.created_at.toISOString(),
      health: this.deps.runner.healthOf(row.id),
    };
  }
}

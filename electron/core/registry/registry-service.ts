/**
 * The registry side of models (issue 10): descriptions, tags, aliases that move between versions with
 * their history, renames and deletes. Versions themselves are created by ModelService (training, ONNX
 * import) and by the MLflow API; this service changes what is around them. Every write is one SQLite
 * transaction, and deletes remove an object's bytes only when no row of any table still names it.
 */
import type { LineageService } from '../lineage/lineage-service.js';
import { userInfo } from 'node:os';
import type { ModelSummary, ModelVersion, AliasEvent, DeleteResult } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { ModelService } from '../models/model-service.js';
import { lineageKinds } from '../models/model-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { unreferencedObjects } from '../objects/object-references.js';
import { assertAliasName } from './model-ref.js';

/** Who a change is recorded under when the caller does not say: the operating-system user running Lathe. */
export function localActor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Longest tag key and value MLflow accepts for registered models (MAX_MODEL_REGISTRY_TAG_*). */
export const tagLimits = { key: 250, value: 100_000 } as const;

/** Aliases, tags, descriptions, renames and deletes of registered models. */
export class RegistryService {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly models: ModelService,
    private readonly lineage: LineageService,
  ) {}

  /** Checks run before an alias moves (validation's alias gates); each throws to refuse the move. */
  private readonly aliasGuards: ((version: ModelVersion, alias: string) => void)[] = [];

  /** Adds a check that may refuse moving an alias onto a version (core/validation's gates). */
  guardAliases(guard: (version: ModelVersion, alias: string) => void): void {
    this.aliasGuards.push(guard);
  }

  /** Creates a registered model with no version yet (MLflow's create); ALREADY_EXISTS when the name is taken. */
  create(name: string, options: { description?: string; tags?: Record<string, string> } = {}): ModelSummary {
    const now = Date.now();
    this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM models WHERE name = ?').get(name))
        throw new LatheError('ALREADY_EXISTS', `A model named "${name}" already exists`, { model: name });
      const info = this.db
        .prepare('INSERT INTO models (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)')
        .run(name, options.description ?? '', now, now);
      for (const [key, value] of Object.entries(options.tags ?? {}))
        this.writeTag(Number(info.lastInsertRowid), key, value);
    })();
    this.changed(name, null, 'created');
    return this.models.get(name).model;
  }

  /** Sets a model's description. */
  describe(name: string, description: string): ModelSummary {
    const id = this.modelId(name);
    this.db.prepare('UPDATE models SET description = ?, updated_at = ? WHERE id = ?').run(description, Date.now(), id);
    this.changed(name, null, 'updated');
    return this.models.get(name).model;
  }

  /** Sets a version's description. */
  describeVersion(ref: string, description: string): ModelVersion {
    const version = this.models.resolve(ref);
    this.db
      .prepare('UPDATE model_versions SET description = ?, updated_at = ? WHERE id = ?')
      .run(description, Date.now(), Number(version.id));
    this.changed(version.model, version.version, 'updated');
    return this.models.resolve(`${version.model}@${version.version}`);
  }

  /** Sets (or replaces) a tag of a model. */
  setTag(name: string, key: string, value: string): void {
    const id = this.modelId(name);
    this.db.transaction(() => {
      this.writeTag(id, key, value);
      this.db.prepare('UPDATE models SET updated_at = ? WHERE id = ?').run(Date.now(), id);
    })();
    this.changed(name, null, 'updated');
  }

  /** Removes a tag of a model; NOT_FOUND when it has no such tag. */
  deleteTag(name: string, key: string): void {
    const id = this.modelId(name);
    const info = this.db.prepare('DELETE FROM model_tags WHERE model_id = ? AND key = ?').run(id, key);
    if (info.changes === 0)
      throw new LatheError('NOT_FOUND', `Model "${name}" has no tag "${key}"`, { model: name, key });
    this.changed(name, null, 'updated');
  }

  /** Sets (or replaces) a tag of a version. */
  setVersionTag(ref: string, key: string, value: string): void {
    const version = this.models.resolve(ref);
    checkTag(key, value);
    this.db
      .prepare(
        'INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?) ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(Number(version.id), key, value);
    this.changed(version.model, version.version, 'updated');
  }

  /** Removes a tag of a version; NOT_FOUND when it has no such tag. */
  deleteVersionTag(ref: string, key: string): void {
    const version = this.models.resolve(ref);
    const info = this.db
      .prepare('DELETE FROM model_version_tags WHERE version_id = ? AND key = ?')
      .run(Number(version.id), key);
    if (info.changes === 0)
      throw new LatheError('NOT_FOUND', `${version.model}@${version.version} has no tag "${key}"`, {
        model: version.model,
        version: version.version,
        key,
      });
    this.changed(version.model, version.version, 'updated');
  }

  /**
   * Points `alias` of the model `ref` names at that version, moving it when it pointed elsewhere; the move
   * is recorded with who made it and from which version. Setting it where it already points records nothing.
   */
  setAlias(
    ref: string,
    alias: string,
    actor: string = localActor(),
  ): { model: string; alias: string; version: number; previousVersion: number | null } {
    assertAliasName(alias);
    const version = this.models.resolve(ref);
    const modelId = this.modelId(version.model);
    const previous = this.db.transaction(() => {
      const current = this.aliasTarget(modelId, alias);
      if (current === version.version) return current;
      for (const guard of this.aliasGuards) guard(version, alias);
      const now = Date.now();
      this.db
        .prepare(
          `INSERT INTO model_aliases (model_id, alias, version_id, set_by, set_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id, set_by = excluded.set_by, set_at = excluded.set_at`,
        )
        .run(modelId, alias, Number(version.id), actor, now);
      this.db
        .prepare(
          'INSERT INTO model_alias_events (model_id, alias, from_version, to_version, actor, at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(modelId, alias, current, version.version, actor, now);
      this.db.prepare('UPDATE models SET updated_at = ? WHERE id = ?').run(now, modelId);
      return current;
    })();
    if (previous !== version.version) this.changed(version.model, version.version, 'aliased');
    return { model: version.model, alias, version: version.version, previousVersion: previous };
  }

  /** Removes an alias; NOT_FOUND names the aliases the model has. */
  removeAlias(
    name: string,
    alias: string,
    actor: string = localActor(),
  ): { model: string; alias: string; previousVersion: number } {
    const modelId = this.modelId(name);
    const previous = this.db.transaction(() => {
      const current = this.aliasTarget(modelId, alias);
      if (current === null) {
        const aliases = Object.keys(this.models.get(name).model.aliases).sort();
        throw new LatheError(
          'NOT_FOUND',
          `Model "${name}" has no alias "${alias}" (${aliases.length ? `aliases: ${aliases.join(', ')}` : 'it has no aliases'})`,
          { model: name, alias },
        );
      }
      const now = Date.now();
      this.db.prepare('DELETE FROM model_aliases WHERE model_id = ? AND alias = ?').run(modelId, alias);
      this.db
        .prepare(
          'INSERT INTO model_alias_events (model_id, alias, from_version, to_version, actor, at) VALUES (?, ?, ?, NULL, ?, ?)',
        )
        .run(modelId, alias, current, actor, now);
      this.db.prepare('UPDATE models SET updated_at = ? WHERE id = ?').run(now, modelId);
      return current;
    })();
    this.changed(name, previous, 'aliased');
    return { model: name, alias, previousVersion: previous };
  }

  /** Every move of the model's aliases, newest first (optionally of one alias). */
  aliasHistory(name: string, alias?: string): AliasEvent[] {
    const modelId = this.modelId(name);
    const rows = this.db
      .prepare<
        [number, string | null, string | null],
        { alias: string; from_version: number | null; to_version: number | null; actor: string; at: number }
      >(
        `SELECT alias, from_version, to_version, actor, at FROM model_alias_events
         WHERE model_id = ? AND (? IS NULL OR alias = ?) ORDER BY id DESC`,
      )
      .all(modelId, alias ?? null, alias ?? null);
    return rows.map((r) => ({
      model: name,
      alias: r.alias,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      actor: r.actor,
      at: r.at,
    }));
  }

  /** Renames a model; its versions, aliases and history follow. */
  rename(name: string, newName: string): ModelSummary {
    const id = this.modelId(name);
    this.db.transaction(() => {
      if (name !== newName && this.db.prepare('SELECT 1 FROM models WHERE name = ?').get(newName))
        throw new LatheError('ALREADY_EXISTS', `A model named "${newName}" already exists`, { model: newName });
      this.db.prepare('UPDATE models SET name = ?, updated_at = ? WHERE id = ?').run(newName, Date.now(), id);
    })();
    this.changed(name, null, 'deleted');
    this.changed(newName, null, 'created');
    return this.models.get(newName).model;
  }

  /**
   * Deletes one version: its row, tags, the aliases on it (recorded as removed by `actor`) and its lineage
   * edges; its ONNX bytes go only when nothing else references them.
   */
  deleteVersion(ref: string, actor: string = localActor()): DeleteResult {
    const version = this.models.resolve(ref);
    return this.deleteVersions(version.model, [version], actor);
  }

  /** Deletes a model and every version of it; bytes go only when nothing else references them. */
  deleteModel(name: string, actor: string = localActor()): DeleteResult {
    const { versions } = this.models.get(name);
    return this.deleteVersions(name, versions, actor, true);
  }

  private deleteVersions(name: string, versions: ModelVersion[], actor: string, wholeModel = false): DeleteResult {
    const modelId = this.modelId(name);
    const ids = new Set(versions.map((v) => Number(v.id)));
    const candidates = this.db
      .prepare<[number], { id: number; object_hash: string; preprocessing_hash: string | null }>(
        'SELECT id, object_hash, preprocessing_hash FROM model_versions WHERE model_id = ?',
      )
      .all(modelId)
      .filter((row) => ids.has(row.id))
      .flatMap((row) => [row.object_hash, ...(row.preprocessing_hash ? [row.preprocessing_hash] : [])]);
    const removable = this.db.transaction(() => {
      const now = Date.now();
      const onVersion = this.db.prepare<[number], { alias: string }>(
        'SELECT alias FROM model_aliases WHERE version_id = ?',
      );
      const event = this.db.prepare(
        'INSERT INTO model_alias_events (model_id, alias, from_version, to_version, actor, at) VALUES (?, ?, ?, NULL, ?, ?)',
      );
      const remove = this.db.prepare('DELETE FROM model_versions WHERE id = ?');
      for (const version of versions) {
        if (!wholeModel)
          for (const { alias } of onVersion.all(Number(version.id)))
            event.run(modelId, alias, version.version, actor, now);
        this.lineage.remove({ kind: lineageKinds.modelVersion, id: version.id });
        remove.run(Number(version.id));
      }
      if (wholeModel) this.db.prepare('DELETE FROM models WHERE id = ?').run(modelId);
      else this.db.prepare('UPDATE models SET updated_at = ? WHERE id = ?').run(now, modelId);
      return unreferencedObjects(this.db, candidates);
    })();
    // Bytes go after the rows are gone for good: a crash in between leaves an unreferenced object, never a dangling row.
    for (const hash of removable) this.objects.remove(hash);
    this.changed(name, wholeModel || versions.length !== 1 ? null : versions[0]!.version, 'deleted');
    return {
      model: name,
      versions: versions.map((v) => v.version).sort((a, b) => a - b),
      objectsRemoved: removable.length,
      objectsKept: new Set(candidates).size - removable.length,
    };
  }

  private aliasTarget(modelId: number, alias: string): number | null {
    const row = this.db
      .prepare<[number, string], { version: number }>(
        'SELECT v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = ? AND a.alias = ?',
      )
      .get(modelId, alias);
    return row?.version ?? null;
  }

  private writeTag(modelId: number, key: string, value: string): void {
    checkTag(key, value);
    this.db
      .prepare(
        'INSERT INTO model_tags (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(modelId, key, value);
  }

  private modelId(name: string): number {
    const row = this.db.prepare<[string], { id: number }>('SELECT id FROM models WHERE name = ?').get(name);
    if (!row) throw new LatheError('NOT_FOUND', `No model named "${name}" (see: lathe model list)`, { model: name });
    return row.id;
  }

  private changed(model: string, version: number | null, change: 'created' | 'updated' | 'aliased' | 'deleted'): void {
    this.events.emit('models.changed', { model, version, change });
  }
}

function checkTag(key: string, value: string): void {
  if (key.trim() === '') throw new LatheError('BAD_INPUT', 'A tag key must not be empty', { field: 'key' });
  if (key.length > tagLimits.key)
    throw new LatheError('BAD_INPUT', `Tag key "${key.slice(0, 40)}…" is longer than ${tagLimits.key} characters`, {
      field: 'key',
    });
  if (value.length > tagLimits.value)
    throw new LatheError('BAD_INPUT', `Tag "${key}" has a value longer than ${tagLimits.value} characters`, {
      field: 'value',
    });
}

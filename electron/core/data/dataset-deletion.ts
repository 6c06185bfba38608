/**
 * Dataset deletion: finding the runs and model versions made from a dataset, refusing (or forcing) a
 * delete while they exist, re-parenting and tombstoning versions in lineage, and freeing bytes nothing
 * else references. It is the one path that removes data, with its own lineage bookkeeping, so it lives
 * apart from ingest and reading with its dependencies passed in explicitly.
 */
import { rmSync } from 'node:fs';
import type { DatasetDependent, DeleteDatasetResult } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { LineageService } from '../lineage/lineage-service.js';
import { unreferencedObjects } from '../objects/object-references.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import type { ColumnarCache } from './columnar-cache.js';
import { isReferenced, versionSelect, type VersionRow } from './dataset-rows.js';

/** The lineage kind of a deleted version's tombstone (its number, so it is never handed out again). */
export const deletedVersionKind = 'deleted_dataset_version';

/** Deletes datasets and versions, and lists what was made from them. */
export class DatasetDeletion {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
    private readonly columnar: ColumnarCache,
  ) {}

  /** The runs and model versions made from any version of `name`, oldest first. */
  dependents(name: string): DatasetDependent[] {
    const rows = this.db.prepare(`${versionSelect} WHERE d.name = ? ORDER BY v.version`).all(name) as VersionRow[];
    if (rows.length === 0) throw new LatheError('NOT_FOUND', `No dataset named "${name}"`, { name });
    return this.dependentsOf(rows);
  }

  /**
   * Deletes NAME (every version; the name is free again) or NAME@3 (one version; later versions keep
   * their numbers and the next one never reuses 3). Refused while a run or model version was made from
   * it, unless `force` (they stay, naming data that is gone). The bytes go only when nothing else in
   * the store references them.
   */
  delete(ref: string, force = false): DeleteDatasetResult {
    const at = ref.lastIndexOf('@');
    const name = at < 0 ? ref.trim() : ref.slice(0, at).trim();
    const only = at < 0 ? undefined : Number(ref.slice(at + 1));
    const remove = this.db.transaction(() => {
      const all = this.db
        .prepare(`${versionSelect} WHERE d.name = ? ORDER BY v.version DESC`)
        .all(name) as VersionRow[];
      if (all.length === 0) throw new LatheError('NOT_FOUND', `No dataset named "${name}"`, { ref });
      const doomed = only === undefined ? all : all.filter((row) => row.version === only);
      if (doomed.length === 0)
        throw new LatheError('NOT_FOUND', `Dataset "${name}" has no version ${only} (latest is ${all[0]!.version})`, {
          ref,
        });
      const dependents = this.dependentsOf(doomed);
      if (dependents.length > 0 && !force) {
        const what = only === undefined ? name : `${name}@${only}`;
        throw new LatheError(
          'CONFLICT',
          `${what} cannot be deleted: ${describeDependents(dependents)} ${dependents.length === 1 ? 'was' : 'were'} made from it. Delete ${dependents.length === 1 ? 'it' : 'them'} first, or force the delete (they stay, without their data).`,
          { ref, dependents },
        );
      }
      const datasetId = doomed[0]!.dataset_id;
      const wholeDataset = doomed.length === all.length;
      const now = Date.now();
      // Newest first, so a version's children are gone (or re-parented) before it is.
      for (const row of doomed) {
        const parentId = (
          this.db.prepare('SELECT parent_id FROM dataset_versions WHERE id = ?').get(row.id) as {
            parent_id: string | null;
          }
        ).parent_id;
        const children = this.db.prepare('SELECT id FROM dataset_versions WHERE parent_id = ?').all(row.id) as {
          id: string;
        }[];
        this.db.prepare('UPDATE dataset_versions SET parent_id = ? WHERE parent_id = ?').run(parentId, row.id);
        this.lineage.remove({ kind: 'dataset_version', id: row.id }, ['parent', 'origin']);
        if (parentId)
          for (const child of children)
            this.lineage.add(
              { kind: 'dataset_version', id: parentId },
              { kind: 'dataset_version', id: child.id },
              'parent',
              now,
            );
        this.db.prepare('DELETE FROM dataset_versions WHERE id = ?').run(row.id);
        // A tombstone, so the next version is numbered after this one and a run that named it never sees other bytes.
        if (!wholeDataset)
          this.lineage.add(
            { kind: 'dataset', id: datasetId },
            { kind: deletedVersionKind, id: String(row.version) },
            'deleted',
            now,
          );
      }
      if (wholeDataset) {
        this.lineage.remove({ kind: 'dataset', id: datasetId });
        this.db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId);
      } else this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(now, datasetId);
      const hashes = [...new Set(doomed.map((row) => row.hash))].filter((hash) => !isReferenced(this.db, hash));
      // The stat cache only remembers which file had which bytes; it must not keep the bytes alive.
      for (const hash of hashes) this.db.prepare('DELETE FROM dataset_stat_cache WHERE hash = ?').run(hash);
      return { doomed, wholeDataset, dependents, free: unreferencedObjects(this.db, hashes) };
    });
    const { doomed, wholeDataset, dependents, free } = remove.immediate();
    for (const hash of free) {
      this.objects.remove(hash);
      rmSync(this.columnar.pathFor(hash), { force: true });
    }
    for (const row of doomed) this.events.emit('datasets.changed', { name, version: row.version, change: 'deleted' });
    return {
      name,
      versions: doomed.map((row) => row.version).sort((a, b) => a - b),
      datasetDeleted: wholeDataset,
      objectsRemoved: free.length,
      orphaned: force ? dependents : [],
    };
  }

  private dependentsOf(rows: VersionRow[]): DatasetDependent[] {
    const found: DatasetDependent[] = [];
    for (const row of rows)
      for (const { direction, relation, ...entity } of this.lineage.neighbours({ kind: 'dataset_version', id: row.id }))
        if (direction === 'downstream' && (entity.kind === 'run' || entity.kind === 'model_version'))
          found.push({ version: row.version, relation, entity });
    // By version, then runs before the models they produced.
    return found.sort(
      (a, b) => a.version - b.version || Number(a.entity.kind !== 'run') - Number(b.entity.kind !== 'run'),
    );
  }
}

/** "run a1b2 and model churn@1" (at most four named, then a count). */
function describeDependents(dependents: DatasetDependent[]): string {
  const labels = [...new Set(dependents.map(({ entity }) => (entity.kind === 'run' ? '' : 'model ') + entity.label))];
  const named = labels.slice(0, 4);
  const rest = labels.length - named.length;
  const list = rest > 0 ? [...named, `${rest} more`] : named;
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

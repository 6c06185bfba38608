import { testDatabase } from '../testing/database.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { createDispatch } from '../rpc/dispatch.js';
import { createHandlers } from '../rpc/handlers.js';
import { aliasNameProblem, parseModelReference } from './model-ref.js';
import { latestSchemaVersion, openDatabase, schemaVersion } from '../store/database.js';
import { migrations } from '../store/migrations/index.js';

const fixtures = new URL('../../../resources/fixtures/', import.meta.url).pathname;
const torch = join(fixtures, 'pytorch-mlp/model.onnx');
const regressor = join(fixtures, 'lathe-export/regressor.onnx');

let core: Core;
let cleanup: () => void;
beforeEach(() => ({ core, cleanup } = openTempCore()));
afterEach(async () => {
  await core.models.dispose();
  cleanup();
});

function caught(work: () => unknown): LatheError {
  try {
    work();
  } catch (error) {
    if (error instanceof LatheError) return error;
    throw error;
  }
  throw new Error('expected a LatheError');
}

describe('model references', () => {
  it('reads NAME, NAME@latest, NAME@N and NAME@ALIAS, and refuses reserved alias names', () => {
    expect(parseModelReference('iris')).toEqual({ name: 'iris', selector: { kind: 'latest' } });
    expect(parseModelReference('iris@LATEST')).toEqual({ name: 'iris', selector: { kind: 'latest' } });
    expect(parseModelReference('iris@12')).toEqual({ name: 'iris', selector: { kind: 'number', version: 12 } });
    expect(parseModelReference('iris@champion')).toEqual({
      name: 'iris',
      selector: { kind: 'alias', alias: 'champion' },
    });
    expect(caught(() => parseModelReference('iris@v3')).message).toMatch(/reserved/);
    expect(caught(() => parseModelReference('iris@a.b')).code).toBe('BAD_INPUT');
    expect(aliasNameProblem('latest')).toMatch(/reserved/);
    expect(aliasNameProblem('007')).toMatch(/version 007/);
    expect(aliasNameProblem('x'.repeat(256))).toMatch(/255/);
    expect(aliasNameProblem('prod_eu-1')).toBeNull();
  });
});

describe('aliases', () => {
  it('point at a version, move with their history, and resolve wherever NAME@V does', async () => {
    await core.models.importFile(torch, 'iris');
    await core.models.importFile(regressor, 'iris');
    expect(core.registry.setAlias('iris@1', 'champion', 'ana')).toEqual({
      model: 'iris',
      alias: 'champion',
      version: 1,
      previousVersion: null,
    });
    expect(core.models.resolve('iris@champion').version).toBe(1);
    // Setting it where it already points is not a move.
    expect(core.registry.setAlias('iris@champion', 'champion', 'ana').previousVersion).toBe(1);
    expect(core.registry.setAlias('iris@2', 'champion', 'bob').previousVersion).toBe(1);
    core.registry.setAlias('iris@1', 'challenger', 'bob');
    expect(core.models.resolve('iris@champion').version).toBe(2);
    expect(core.models.get('iris').model.aliases).toEqual({ champion: 2, challenger: 1 });
    expect(core.models.resolve('iris@1').aliases).toEqual(['challenger']);
    expect(core.models.versionWithLineage('iris@champion').version.aliases).toEqual(['champion']);

    expect(core.registry.removeAlias('iris', 'challenger', 'cy')).toEqual({
      model: 'iris',
      alias: 'challenger',
      previousVersion: 1,
    });
    const history = core.registry.aliasHistory('iris').map(({ alias, fromVersion, toVersion, actor }) => ({
      alias,
      fromVersion,
      toVersion,
      actor,
    }));
    expect(history).toEqual([
      { alias: 'challenger', fromVersion: 1, toVersion: null, actor: 'cy' },
      { alias: 'challenger', fromVersion: null, toVersion: 1, actor: 'bob' },
      { alias: 'champion', fromVersion: 1, toVersion: 2, actor: 'bob' },
      { alias: 'champion', fromVersion: null, toVersion: 1, actor: 'ana' },
    ]);
    expect(core.registry.aliasHistory('iris', 'champion')).toHaveLength(2);
  }, 30_000);

  it('names what exists when a model, version or alias is unknown', async () => {
    await core.models.importFile(torch, 'iris');
    core.registry.setAlias('iris@1', 'prod');
    expect(caught(() => core.models.resolve('iris@staging')).message).toBe(
      'Model "iris" has no alias "staging" (aliases: prod)',
    );
    expect(caught(() => core.models.resolve('iris@7')).message).toBe('Model "iris" has no version 7 (versions: 1)');
    expect(caught(() => core.registry.setAlias('nope@1', 'prod')).message).toMatch(/No model named "nope"/);
    expect(caught(() => core.registry.removeAlias('iris', 'staging')).message).toMatch(/no alias "staging"/);
    expect(caught(() => core.registry.setAlias('iris@1', 'latest')).code).toBe('BAD_INPUT');
    expect(core.registry.aliasHistory('iris')).toHaveLength(1);
  }, 30_000);
});

describe('descriptions, tags and renames', () => {
  it('are kept on the model and its versions and follow a rename', async () => {
    await core.models.importFile(torch, 'iris');
    core.registry.describe('iris', 'Iris species from petal sizes');
    core.registry.setTag('iris', 'team', 'botany');
    core.registry.setTag('iris', 'team', 'flora');
    core.registry.describeVersion('iris@1', 'first cut');
    core.registry.setVersionTag('iris@1', 'validated', 'yes');
    core.registry.setAlias('iris@1', 'prod');
    const renamed = core.registry.rename('iris', 'flowers');
    expect(renamed).toMatchObject({
      name: 'flowers',
      description: 'Iris species from petal sizes',
      tags: { team: 'flora' },
    });
    expect(core.models.resolve('flowers@prod')).toMatchObject({ description: 'first cut', tags: { validated: 'yes' } });
    expect(caught(() => core.models.get('iris')).code).toBe('NOT_FOUND');
    core.registry.deleteTag('flowers', 'team');
    expect(core.models.get('flowers').model.tags).toEqual({});
    expect(caught(() => core.registry.deleteTag('flowers', 'team')).code).toBe('NOT_FOUND');
    core.registry.create('empty', { description: 'no versions yet' });
    expect(caught(() => core.registry.rename('flowers', 'empty')).code).toBe('ALREADY_EXISTS');
  }, 30_000);
});

describe('deletes', () => {
  it('remove a version and its aliases (recorded) but keep bytes another version still uses', async () => {
    await core.models.importFile(torch, 'iris');
    await core.models.importFile(torch, 'iris-copy');
    await core.models.importFile(regressor, 'iris');
    const shared = core.models.resolve('iris@1').hash;
    const own = core.models.resolve('iris@2').hash;
    core.registry.setAlias('iris@1', 'prod', 'ana');

    const first = core.registry.deleteVersion('iris@1', 'ana');
    expect(first).toEqual({ model: 'iris', versions: [1], objectsRemoved: 0, objectsKept: 1 });
    expect(core.objects.has(shared)).toBe(true);
    expect(caught(() => core.models.resolve('iris@prod')).message).toMatch(/no alias "prod"/);
    expect(core.registry.aliasHistory('iris')[0]).toMatchObject({ alias: 'prod', fromVersion: 1, toVersion: null });

    const whole = core.registry.deleteModel('iris');
    expect(whole).toEqual({ model: 'iris', versions: [2], objectsRemoved: 1, objectsKept: 0 });
    expect(core.objects.has(own)).toBe(false);
    expect(caught(() => core.models.get('iris')).code).toBe('NOT_FOUND');

    expect(core.registry.deleteModel('iris-copy')).toMatchObject({ objectsRemoved: 1 });
    expect(core.objects.has(shared)).toBe(false);
    expect(testDatabase(core).prepare('SELECT COUNT(*) AS n FROM lineage_edges').get()).toEqual({ n: 0 });
  }, 30_000);

  it('through the contract, need the name repeated as confirmation', async () => {
    await core.models.importFile(torch, 'iris');
    const dispatch = createDispatch(createHandlers(core, '0.0.0-test'));
    const refused = await dispatch('registry.deleteModel', { name: 'iris', confirm: 'iri' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(JSON.stringify(refused)).toMatch(/confirm must repeat the model name/);
    expect(core.models.get('iris').versions).toHaveLength(1);
    const aliasRefused = await dispatch('registry.setAlias', { ref: 'iris@1', alias: 'v2' });
    expect(aliasRefused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await dispatch('registry.setAlias', { ref: 'iris@1', alias: 'champion' })).toMatchObject({ ok: true });
    expect(await dispatch('models.version', { ref: 'iris@champion' })).toMatchObject({
      ok: true,
      value: { version: { version: 1, aliases: ['champion'] } },
    });
    expect(await dispatch('registry.deleteModel', { name: 'iris', confirm: 'iris' })).toMatchObject({
      ok: true,
      value: { versions: [1], objectsRemoved: 1 },
    });
  }, 30_000);
});

describe('migration 5', () => {
  it('keeps the models and versions of a store written before the registry', () => {
    const home = mkdtempSync(join(tmpdir(), 'lathe-migration-'));
    try {
      const path = join(home, 'lathe.db');
      const old = openDatabase(path, { migrations: migrations.slice(0, 4) });
      old.prepare("INSERT INTO models (id, name, created_at, updated_at) VALUES (1, 'iris', 5, 6)").run();
      old
        .prepare(
          `INSERT INTO model_versions (model_id, version, source, task, object_hash, size, signature_json, metrics_json, created_at)
           VALUES (1, 1, 'imported', NULL, 'abc', 10, '{"inputs":[]}', '{"acc":0.9}', 7)`,
        )
        .run();
      old.close();
      const db = openDatabase(path);
      expect(schemaVersion(db)).toBe(latestSchemaVersion);
      expect(db.prepare('SELECT name, description FROM models').all()).toEqual([{ name: 'iris', description: '' }]);
      expect(
        db
          .prepare(
            'SELECT version, source, object_hash, metrics_json, description, scorable, updated_at FROM model_versions',
          )
          .all(),
      ).toEqual([
        {
          version: 1,
          source: 'imported',
          object_hash: 'abc',
          metrics_json: '{"acc":0.9}',
          description: '',
          scorable: 1,
          updated_at: 7,
        },
      ]);
      expect(() =>
        db
          .prepare(
            "INSERT INTO model_versions (model_id, version, source, object_hash, size, signature_json, created_at) VALUES (1, 2, 'mlflow', 'd', 1, '{}', 8)",
          )
          .run(),
      ).not.toThrow();
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

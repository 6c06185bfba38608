/**
 * MLflow's model-versions endpoints (model_registry.proto: create, get, search, update, delete, set-tag,
 * delete-tag, get-download-uri). A version's `source` is resolved only to files already in Lathe's store
 * (mlflow-registration.ts), so a client can never make the server read a local path or another address.
 */
import type { Core } from '../../core/core.js';
import { filterSql } from '../../core/registry/sql-filter.js';
import { decodePageToken, encodePageToken } from '../../core/tracking/run-search.js';
import { parseFilter } from '../../core/tracking/search-filter.js';
import { int64Field, invalid, keyValues, listField, MlflowError, stringField } from './mlflow-io.js';
import { mlflowActor, modelVersionJson, versionNumber, type RegistryEndpoint } from './registry-json.js';

/** The most versions one search returns (MLflow's own default is 200,000; a page of 10,000 is plenty). */
export const searchModelVersionsLimit = 10_000;

const attributes = {
  name: { column: 'm.name', numeric: false },
  version_number: { column: 'v.version', numeric: true },
  run_id: { column: "COALESCE(json_extract(v.mlflow_json, '$.run_id'), v.run_id)", numeric: false },
  source_path: { column: "json_extract(v.mlflow_json, '$.source')", numeric: false },
  model_id: { column: "json_extract(v.mlflow_json, '$.model_id')", numeric: false },
  creation_timestamp: { column: 'v.created_at', numeric: true },
  last_updated_timestamp: { column: 'v.updated_at', numeric: true },
};

const orderColumns: Record<string, string> = {
  name: 'm.name',
  version_number: 'v.version',
  creation_timestamp: 'v.created_at',
  last_updated_timestamp: 'v.updated_at',
};

/** The model-versions/* endpoints, by path after the API prefix. */
export function modelVersionEndpoints(core: Core): Record<string, RegistryEndpoint> {
  const refOf = (fields: Record<string, unknown>) =>
    `${stringField(fields, 'name', true)}@${versionNumber(stringField(fields, 'version', true))}`;
  const json = (ref: string) => ({ model_version: modelVersionJson(core, core.models.resolve(ref)) });
  return {
    'model-versions/create': {
      methods: ['POST'],
      run: async (fields) => {
        const name = stringField(fields, 'name', true);
        core.models.get(name);
        const version = await core.mlflowModels.register({
          name,
          source: stringField(fields, 'source', true),
          runId: stringField(fields, 'run_id') || undefined,
          modelId: stringField(fields, 'model_id') || undefined,
          description: stringField(fields, 'description') ?? '',
          runLink: stringField(fields, 'run_link') || undefined,
          actor: mlflowActor(),
        });
        const ref = `${version.model}@${version.version}`;
        for (const tag of keyValues(listField(fields, 'tags'), 'tags'))
          core.registry.setVersionTag(ref, tag.key, tag.value);
        return json(ref);
      },
    },
    'model-versions/get': { methods: ['GET'], run: (fields) => json(refOf(fields)) },
    'model-versions/update': {
      methods: ['PATCH'],
      run: (fields) => {
        const ref = refOf(fields);
        const description = stringField(fields, 'description');
        if (description !== undefined) core.registry.describeVersion(ref, description);
        return json(ref);
      },
    },
    'model-versions/delete': {
      methods: ['DELETE'],
      run: (fields) => {
        core.registry.deleteVersion(refOf(fields), mlflowActor());
        return {};
      },
    },
    'model-versions/set-tag': {
      methods: ['POST'],
      run: (fields) => {
        core.registry.setVersionTag(
          refOf(fields),
          stringField(fields, 'key', true),
          stringField(fields, 'value') ?? '',
        );
        return {};
      },
    },
    'model-versions/delete-tag': {
      methods: ['DELETE'],
      run: (fields) => {
        core.registry.deleteVersionTag(refOf(fields), stringField(fields, 'key', true));
        return {};
      },
    },
    'model-versions/get-download-uri': {
      methods: ['GET'],
      run: (fields) => {
        const version = core.models.resolve(refOf(fields));
        const facts = core.mlflowModels.facts(version.id);
        if (!facts)
          throw new MlflowError(
            'INVALID_PARAMETER_VALUE',
            400,
            `${version.model}@${version.version} was ${version.source} in Lathe and has no MLflow model folder; write its ONNX file with: lathe model export ${version.model}@${version.version} --out FILE`,
          );
        return { artifact_uri: facts.storage_location };
      },
    },
    'model-versions/search': {
      methods: ['GET'],
      run: (fields) => {
        const max = int64Field(fields, 'max_results') ?? searchModelVersionsLimit;
        if (max < 1 || max > searchModelVersionsLimit)
          invalid(
            `Invalid value ${max} for parameter 'max_results' supplied. It must be at most ${searchModelVersionsLimit}`,
          );
        const where = filterSql(parseFilter(stringField(fields, 'filter'), attributes), {
          attributes,
          tags: { table: 'model_version_tags', owner: 'version_id', ownerColumn: 'v.id' },
        });
        const order = listField(fields, 'order_by').map((item) => {
          const match = /^\s*(\w+)\s*(ASC|DESC)?\s*$/i.exec(String(item));
          const column = match ? orderColumns[match[1]!] : undefined;
          if (!match || !column)
            invalid(`Invalid order_by clause "${String(item)}": use name, version_number or a timestamp`);
          return `${column} ${match[2]?.toUpperCase() === 'DESC' ? 'DESC' : 'ASC'}`;
        });
        const offset = decodePageToken(stringField(fields, 'page_token'));
        const refs = core.mlflowModels.versionRefs(where, order, max + 1, offset);
        return {
          model_versions: refs
            .slice(0, max)
            .map((r) => modelVersionJson(core, core.models.resolve(`${r.name}@${r.version}`))),
          ...(refs.length > max ? { next_page_token: encodePageToken(offset + max) } : {}),
        };
      },
    },
  };
}

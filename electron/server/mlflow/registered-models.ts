/**
 * MLflow's registered-models endpoints (model_registry.proto: create, get, search, update, rename, delete,
 * set-tag, delete-tag, get-latest-versions, alias set/get/delete) over Lathe's registry, so MLflow's
 * Python client registers, aliases and finds models in Lathe unchanged.
 */
import type { Core } from '../../core/core.js';
import { decodePageToken, encodePageToken } from '../../core/tracking/run-search.js';
import { parseFilter } from '../../core/tracking/search-filter.js';
import { filterSql } from '../../core/registry/sql-filter.js';
import { int64Field, invalid, keyValues, listField, stringField } from './mlflow-io.js';
import {
  checkModelName,
  mlflowActor,
  modelVersionJson,
  registeredModelJson,
  versionNumber,
  type RegistryEndpoint,
} from './registry-json.js';

/** MLflow's cap on search-registered-models max_results. */
export const searchRegisteredModelsLimit = 1000;

const attributes = {
  name: { column: 'm.name', numeric: false },
  creation_timestamp: { column: 'm.created_at', numeric: true },
  last_updated_timestamp: { column: 'm.updated_at', numeric: true },
};

const orderColumns: Record<string, string> = {
  name: 'm.name',
  creation_timestamp: 'm.created_at',
  last_updated_timestamp: 'm.updated_at',
  timestamp: 'm.updated_at',
};

/** The registered-models/* endpoints, by path after the API prefix. */
export function registeredModelEndpoints(core: Core): Record<string, RegistryEndpoint> {
  const nameOf = (fields: Record<string, unknown>) => stringField(fields, 'name', true);
  const json = (name: string) => ({ registered_model: registeredModelJson(core, core.models.get(name).model) });
  return {
    'registered-models/create': {
      methods: ['POST'],
      run: (fields) => {
        const name = checkModelName(nameOf(fields));
        const tags = Object.fromEntries(keyValues(listField(fields, 'tags'), 'tags').map((t) => [t.key, t.value]));
        core.registry.create(name, { description: stringField(fields, 'description') ?? '', tags });
        return json(name);
      },
    },
    'registered-models/get': { methods: ['GET'], run: (fields) => json(nameOf(fields)) },
    'registered-models/update': {
      methods: ['PATCH'],
      run: (fields) => {
        const name = nameOf(fields);
        const description = stringField(fields, 'description');
        if (description !== undefined) core.registry.describe(name, description);
        return json(name);
      },
    },
    'registered-models/rename': {
      methods: ['POST'],
      run: (fields) => {
        const newName = checkModelName(stringField(fields, 'new_name', true));
        return { registered_model: registeredModelJson(core, core.registry.rename(nameOf(fields), newName)) };
      },
    },
    'registered-models/delete': {
      methods: ['DELETE'],
      run: (fields) => {
        core.registry.deleteModel(nameOf(fields), mlflowActor());
        return {};
      },
    },
    'registered-models/set-tag': {
      methods: ['POST'],
      run: (fields) => {
        core.registry.setTag(nameOf(fields), stringField(fields, 'key', true), stringField(fields, 'value') ?? '');
        return {};
      },
    },
    'registered-models/delete-tag': {
      methods: ['DELETE'],
      run: (fields) => {
        core.registry.deleteTag(nameOf(fields), stringField(fields, 'key', true));
        return {};
      },
    },
    'registered-models/search': {
      methods: ['GET'],
      run: (fields) => {
        const max = int64Field(fields, 'max_results') ?? 100;
        if (max < 1 || max > searchRegisteredModelsLimit)
          invalid(
            `Invalid value ${max} for parameter 'max_results' supplied. It must be at most ${searchRegisteredModelsLimit}`,
          );
        const where = filterSql(parseFilter(stringField(fields, 'filter'), attributes), {
          attributes,
          tags: { table: 'model_tags', owner: 'model_id', ownerColumn: 'm.id' },
        });
        const order = listField(fields, 'order_by').map((item) => {
          const match = /^\s*(\w+)\s*(ASC|DESC)?\s*$/i.exec(String(item));
          const column = match ? orderColumns[match[1]!] : undefined;
          if (!match || !column)
            invalid(
              `Invalid order_by clause "${String(item)}": use name, creation_timestamp or last_updated_timestamp`,
            );
          return `${column} ${match[2]?.toUpperCase() === 'DESC' ? 'DESC' : 'ASC'}`;
        });
        const offset = decodePageToken(stringField(fields, 'page_token'));
        const names = core.mlflowModels.modelNames(where, order, max + 1, offset);
        return {
          registered_models: names.slice(0, max).map((name) => registeredModelJson(core, core.models.get(name).model)),
          ...(names.length > max ? { next_page_token: encodePageToken(offset + max) } : {}),
        };
      },
    },
    'registered-models/get-latest-versions': {
      methods: ['POST', 'GET'],
      run: (fields) => {
        const { model } = core.models.get(nameOf(fields));
        const stages = listField(fields, 'stages').map((s) => String(s).toLowerCase());
        const latest = model.latestVersion ? core.models.resolve(`${model.name}@${model.latestVersion}`) : null;
        // Every Lathe version is in MLflow's "None" stage.
        const wanted = stages.length === 0 || stages.includes('none');
        return { model_versions: latest && wanted ? [modelVersionJson(core, latest)] : [] };
      },
    },
    'registered-models/alias': {
      methods: ['POST', 'GET', 'DELETE'],
      run: (fields, method) => {
        const name = nameOf(fields);
        const alias = stringField(fields, 'alias', true);
        if (method === 'POST') {
          const version = versionNumber(stringField(fields, 'version', true));
          core.registry.setAlias(`${name}@${version}`, alias, mlflowActor());
          return {};
        }
        if (method === 'DELETE') {
          core.registry.removeAlias(name, alias, mlflowActor());
          return {};
        }
        return { model_version: modelVersionJson(core, core.models.resolve(`${name}@${alias}`)) };
      },
    },
  };
}

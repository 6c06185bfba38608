/**
 * Lathe's registry as MLflow's protobuf JSON (mlflow/protos/model_registry.proto): RegisteredModel and
 * ModelVersion, shared by the registered-models and model-versions endpoint files. Stages do not exist
 * in Lathe (aliases replace them, as in MLflow 2.9+), so every version reports `current_stage: "None"`.
 */
import type { ModelSummary, ModelVersion } from '../../../shared/contract/index.js';
import type { Core } from '../../core/core.js';
import { localActor } from '../../core/registry/registry-service.js';
import { invalid, type Endpoint } from './mlflow-io.js';

/** An MLflow endpoint of the model APIs (the one endpoint shape of mlflow-io.ts). */
export type RegistryEndpoint = Endpoint;

/** Who registry changes made through MLflow's API are recorded under (the token is the local user's). */
export function mlflowActor(): string {
  return `${localActor()} (MLflow API)`;
}

/** The ModelVersion message for a version. */
export function modelVersionJson(core: Core, version: ModelVersion): Record<string, unknown> {
  const facts = core.mlflowModels.facts(version.id);
  const tags = Object.entries(version.tags).map(([key, value]) => ({ key, value }));
  const runId = facts?.run_id ?? version.runId;
  return {
    name: version.model,
    version: String(version.version),
    creation_timestamp: version.createdAt,
    last_updated_timestamp: version.createdAt,
    user_id: facts?.user_id ?? '',
    current_stage: 'None',
    description: version.description,
    source: facts?.source ?? `models:/${version.model}/${version.version}`,
    ...(runId ? { run_id: runId } : {}),
    status: 'READY',
    ...(tags.length ? { tags } : {}),
    ...(facts?.run_link ? { run_link: facts.run_link } : {}),
    ...(version.aliases.length ? { aliases: version.aliases } : {}),
    ...(facts?.model_id ? { model_id: facts.model_id } : {}),
  };
}

/** The RegisteredModel message for a model, with its latest version. */
export function registeredModelJson(core: Core, model: ModelSummary): Record<string, unknown> {
  const tags = Object.entries(model.tags).map(([key, value]) => ({ key, value }));
  const aliases = Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) }));
  const latest = model.latestVersion ? core.models.resolve(`${model.name}@${model.latestVersion}`) : null;
  return {
    name: model.name,
    creation_timestamp: model.createdAt,
    last_updated_timestamp: model.updatedAt,
    description: model.description,
    ...(latest ? { latest_versions: [modelVersionJson(core, latest)] } : {}),
    ...(tags.length ? { tags } : {}),
    ...(aliases.length ? { aliases } : {}),
  };
}

/** Lathe's model-name rule, checked with MLflow's error so `NAME@V` stays typeable on the command line. */
export function checkModelName(name: string): string {
  if (name.length > 200 || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    invalid(
      `Invalid model name "${name.slice(0, 200)}": Lathe model names hold letters, digits, ".", "-" and "_", start with a letter or digit, and are at most 200 characters`,
    );
  return name;
}

/** A version number field (MLflow sends it as a string). */
export function versionNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) invalid(`Invalid model version "${value}": it must be a positive integer`);
  return Number(value);
}

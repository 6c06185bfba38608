/** MLflow's artifacts/list endpoint (uploads and downloads go through the artifact proxy, artifact-proxy.ts). */
import type { Core } from '../../core/core.js';
import { checkArtifactPath } from '../../core/tracking/artifact-path.js';
import { runIdOf, stringField, type Endpoint } from './mlflow-io.js';

/** The artifacts/* endpoints. */
export function artifactEndpoints(core: Core): Record<string, Endpoint> {
  const tracking = core.tracking;
  return {
    'artifacts/list': {
      methods: ['GET'],
      run: (f) => {
        const id = runIdOf(f);
        const path = checkArtifactPath((stringField(f, 'path') ?? '').replace(/\/+$/, ''), { allowEmpty: true });
        const run = tracking.getRun(id);
        const files = tracking.artifacts.listArtifacts(id, path);
        return {
          root_uri: run.artifactUri,
          files: files.map((e) => ({
            path: e.path,
            is_dir: e.isDir,
            ...(e.size !== null ? { file_size: e.size } : {}),
          })),
        };
      },
    },
  };
}

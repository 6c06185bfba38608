/** Handlers for models: registry, import, export, scoring, benchmarks and training jobs. */
import type { modelMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import { probeTrainingBackends } from '../compute/training-backends.js';
import type { HandlersFor } from './handlers.js';

/** models.* */
export function modelHandlers(core: Core): HandlersFor<keyof typeof modelMethods> {
  return {
    'models.list': () => core.models.list(),
    'models.get': (input) => core.models.get(input.name),
    'models.version': (input) => core.models.versionWithLineage(input.ref),
    'models.import': (input) => core.models.importFile(input.path, input.name, input.features),
    'models.export': (input) => core.models.exportTo(input.ref, input.out),
    'models.download': (input) => core.models.download(input.ref),
    'models.bench': (input) => core.models.bench(input.ref, { provider: input.provider }),
    'models.predictRow': async (input) => ({ outputs: await core.models.predictRow(input.ref, input.row) }),
    'models.predict': async (input) => {
      const result = await core.models.predictForApp(input);
      return {
        rows: result.rows,
        out: result.out,
        columns: result.columns,
        seconds: result.seconds,
        provider: result.provider,
        preview: result.preview,
        evaluation: result.evaluation,
      };
    },
    'models.cancelPredict': (input) => core.models.cancelAppPredict(input.ref),
    'models.downloadScores': (input) => core.models.downloadScores(input.out),
    'models.backends': async () => probeTrainingBackends(),
    // Answers once the data and options are checked and the run exists, so the form shows bad input itself.
    'models.train': async (input) => {
      const { jobId, started } = core.training.start(input);
      await started;
      return { jobId };
    },
    'models.trainingJobs': () => core.training.list(),
    'models.cancelTraining': (input) => ({ cancelled: core.training.cancel(input.jobId) }),
  };
}

/**
 * Prediction drift: scores the reference and the current set with a model version through the existing
 * batch scoring (ONNX Runtime in the predict worker) into temporary Parquet files, and hands the model's
 * first output column of both sets to the drift tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTable, readColumns } from '../data/read-table.js';
import type { ModelService } from '../models/model-service.js';
import { vectorColumnName } from '../infer/predict-protocol.js';
import type { PredictionScorer } from './drift-service.js';

/** A scorer over the model service. */
export function createPredictionScorer(models: ModelService): PredictionScorer {
  return {
    async score(modelRef, reference, current) {
      const version = models.resolve(modelRef);
      const folder = mkdtempSync(join(tmpdir(), 'lathe-drift-'));
      try {
        const referenceOut = join(folder, 'reference.parquet');
        const currentOut = join(folder, 'current.parquet');
        await models.predict({ ref: modelRef, data: reference, out: referenceOut });
        await models.predict({ ref: modelRef, data: current, out: currentOut });
        const description = await describeTable(referenceOut);
        // The predicted label (or value) first; for a binary classifier also the positive class's probability,
        // which moves when the inputs drift even if the label shares do not.
        const outputs = [description.columns[0]!];
        const positive =
          version.classes?.length === 2 ? vectorColumnName('probabilities', 1, 2, version.classes) : null;
        const probability = description.columns.find((column) => column.name === positive);
        if (probability) outputs.push(probability);
        const columns = [];
        for (const output of outputs) {
          const numeric = output.type === 'integer' || output.type === 'float' || output.type === 'boolean';
          const type = numeric ? 'float' : 'text';
          const [referenceValues, currentValues] = await Promise.all(
            [referenceOut, currentOut].map(async (path) =>
              (await readColumns(path, [output.name], { types: { [output.name]: type } })).get(output.name)!,
            ),
          );
          columns.push({
            name: `prediction: ${output.name}`,
            type: numeric ? output.type : 'categorical',
            reference: referenceValues!,
            current: currentValues!,
          });
        }
        return { versionId: version.id, ref: `${version.model}@${version.version}`, columns };
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

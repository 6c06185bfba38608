/**
 * Test helpers: the continuous-learning scenario's data and definitions. v1 rows follow one rule
 * (label = x1 + x2 > 0); drifted rows are shifted (x1 around 1.5, x2 around -1) and follow another
 * (label = x1 - x2 > 2.5), so a champion trained on v1 fails on them and a challenger trained on them wins.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../train/random.js';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** CSV text of `count` rows of x1, x2, label. */
export function loopCsv(count: number, seed: number, drifted: boolean): string {
  const random = seededRandom(seed);
  const lines = ['x1,x2,label'];
  for (let i = 0; i < count; i++) {
    const x1 = drifted ? 1.5 + gaussian(random) : gaussian(random);
    const x2 = drifted ? -1 + gaussian(random) : gaussian(random);
    const label = drifted ? (x1 - x2 > 2.5 ? 1 : 0) : x1 + x2 > 0 ? 1 : 0;
    lines.push(`${x1.toFixed(5)},${x2.toFixed(5)},${label}`);
  }
  return lines.join('\n') + '\n';
}

/** Writes a CSV of the scenario to `folder/name` and returns its path. */
export function writeLoopCsv(folder: string, name: string, count: number, seed: number, drifted: boolean): string {
  const path = join(folder, name);
  writeFileSync(path, loopCsv(count, seed, drifted));
  return path;
}

/** The training settings the scenario uses (small: a few seconds on wasm). */
export const smallTraining = `
      target: label
      task: classification
      features: [x1, x2]
      hidden: [8]
      epochs: 25
      batchSize: 32
      learningRate: 0.02
      backend: wasm
      modelName: loans-model`;

/** A step exporting the promoted version as a server bundle into `folder/<run id>`. */
export function exportStep(folder: string): string {
  return `  bundle:
    type: export
    with:
      model: \${{ steps.promote.outputs.model }}
      target: server
      out: ${folder}/\${{ run.id }}
`;
}

/** The retraining pipeline: train on the newest data, beat the champion on the holdout, promote. */
export function trainLoopYaml(extraSteps = ''): string {
  return `name: train-loop
description: retrain, compare with the champion on the holdout, promote when better
triggers:
  - kind: manual
  - kind: alert
    monitor: loans-watch
steps:
  train:
    type: train
    with:
      data: loans@latest${smallTraining}
  evaluate:
    type: evaluate
    with:
      model: \${{ steps.train.outputs.model }}
      data: holdout@latest
      against: champion
      metric: accuracy
  better:
    type: gate
    with:
      condition: \${{ steps.evaluate.outputs.better }}
  release:
    type: validate
    needs: [better]
    with:
      model: \${{ steps.train.outputs.model }}
      holdout: holdout@latest
      suite: |
        name: release
        checks:
          - type: metric
            metric: accuracy
            threshold: 0.8
          - type: onnx
  promote:
    type: promote
    needs: [better, release]
    with:
      model: \${{ steps.train.outputs.model }}
      alias: champion
${extraSteps}`;
}

/** The intake pipeline: each new file in `folder` becomes a version of loans, then the monitor runs. */
export function intakeYaml(folder: string): string {
  return `name: intake
triggers:
  - kind: folder
    path: ${folder}
    glob: "*.csv"
    stableMs: 200
steps:
  ingest:
    type: ingest
    with:
      file: \${{ trigger.file }}
      dataset: loans
  watch:
    type: monitor
    needs: [ingest]
    with:
      monitor: loans-watch
      create:
        model: loans-model@champion
        reference: loans@1
        stream: { kind: dataset, dataset: loans }
        window: batch
        driftShare: 0.5
`;
}

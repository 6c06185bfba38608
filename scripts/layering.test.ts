/** The layering rules of docs/ARCHITECTURE.md are enforced by lint; this proves each rule fires. */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layering lint', () => {
  it.each([
    ['shared/contract/x.ts', "import { readFileSync } from 'node:fs'; export const a = readFileSync;"],
    ['shared/contract/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['shared/contract/x.ts', "import { openCore } from '../../electron/core/core.js'; export const a = openCore;"],
    ['electron/core/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['electron/core/x.ts', "import { startServing } from '../server/serve.js'; export const a = startServing;"],
    ['electron/server/x.ts', "import { bootstrap } from '../main/bootstrap.js'; export const a = bootstrap;"],
    ['electron/cli/x.ts', "import { BrowserWindow } from 'electron'; export const a = BrowserWindow;"],
    ['renderer/src/x.ts', "import { openCore } from '../../electron/core/core.js'; export const a = openCore;"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron'; export const a = ipcRenderer;"],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs'; export const a = readFileSync;"],
    // A service reaches worker-only code only through its feature's protocol file.
    ['electron/core/train/x.ts', "import { trainMlp } from './worker/mlp.js'; export const a = trainMlp;"],
    [
      'electron/core/models/x.ts',
      "import { runBatchPredict } from '../infer/worker/batch-predict.js'; export const a = runBatchPredict;",
    ],
    ['electron/core/train/x.ts', "import type { MlpProgress } from './worker/mlp.js'; export type A = MlpProgress;"],
    // Worker code and protocol files are still core: no shells.
    [
      'electron/core/train/worker/x.ts',
      "import { startServing } from '../../../server/serve.js'; export const a = startServing;",
    ],
    ['electron/core/train/x-protocol.ts', "import { app } from 'electron'; export const a = app;"],
    // Worker entry points: no electron, no shells.
    ['electron/workers/x.worker.ts', "import { app } from 'electron'; export const a = app;"],
    ['electron/workers/x.worker.ts', "import { run } from '../cli/run.js'; export const a = run;"],
    // main wires core and IPC, never another shell, the renderer or worker code.
    ['electron/main/x.ts', "import { startServing } from '../server/serve.js'; export const a = startServing;"],
    ['electron/main/x.ts', "import { run } from '../cli/run.js'; export const a = run;"],
    ['electron/main/x.ts', "import { trainMlp } from '../core/train/worker/mlp.js'; export const a = trainMlp;"],
    ['electron/main/x.ts', "import { App } from '../../renderer/src/app/App.js'; export const a = App;"],
    // preload: only shared/ and electron.
    ['electron/preload/x.ts', "import { readFileSync } from 'node:fs'; export const a = readFileSync;"],
    ['electron/preload/x.ts', "import { openCore } from '../core/core.js'; export const a = openCore;"],
    ['electron/preload/x.ts', "import { bootstrap } from '../main/bootstrap.js'; export const a = bootstrap;"],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(true);
  });

  it.each([
    ['electron/core/x.ts', "import { readFileSync } from 'node:fs'; export const a = readFileSync;"],
    ['electron/main/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['renderer/src/x.ts', "import { methods } from '../../shared/contract/index'; export const a = methods;"],
    [
      'electron/core/train/x.ts',
      "import { trainWorkerLimits } from './train-protocol.js'; export const a = trainWorkerLimits;",
    ],
    [
      'electron/core/train/x-protocol.ts',
      "import type { MlpProgress } from './worker/mlp.js'; export type A = MlpProgress;",
    ],
    ['electron/core/train/worker/x.ts', "import { seededRandom } from '../random.js'; export const a = seededRandom;"],
    [
      'electron/workers/x.worker.ts',
      "import { trainMlp } from '../core/train/worker/mlp.js'; export const a = trainMlp;",
    ],
    ['electron/main/x.ts', "import { openCore } from '../core/core.js'; export const a = openCore;"],
    ['electron/preload/x.ts', "import { contextBridge } from 'electron'; export const a = contextBridge;"],
    [
      'electron/preload/x.ts',
      "import { ipcChannels } from '../../shared/contract/index.js'; export const a = ipcChannels;",
    ],
  ])('allows in %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(false);
  });
});

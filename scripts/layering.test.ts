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
  ])('refuses in %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(true);
  });

  it.each([
    ['electron/core/x.ts', "import { readFileSync } from 'node:fs'; export const a = readFileSync;"],
    ['electron/main/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['renderer/src/x.ts', "import { methods } from '../../shared/contract/index'; export const a = methods;"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(false);
  });
});

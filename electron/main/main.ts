/** Electron's entry point: hands the real Electron API to the bootstrap. Nothing else belongs here. */
import * as electron from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron

void bootstrap(electron, {
  rendererDir: join(here, '..', 'renderer'),
  preloadPath: join(here, 'preload.cjs'),
  argv: process.argv,
  env: process.env,
  onFatal: (message) => electron.dialog.showErrorBox('Lathe cannot start', message),
});

/**
 * The main process's composition: single-instance lock, app:// protocol, permissions, the core, the
 * IPC bridge, events forwarded to the window, the menu, and a clean shutdown. Takes the Electron API as
 * a parameter so the whole wiring is unit-tested against a fake.
 */
import type { BrowserWindow } from 'electron';
import { ipcChannels } from '../../shared/contract/index.js';
import { openCore, type Core } from '../core/core.js';
import { resolveHomePath } from '../core/home.js';
import { createDispatch } from '../core/rpc/dispatch.js';
import { createHandlers } from '../core/rpc/handlers.js';
import { latheVersion } from '../core/app-root.js';
import { createAppProtocolHandler, registerAppScheme, appScheme } from './app-protocol.js';
import type { ElectronApi } from './electron-api.js';
import { registerIpcBridge } from './ipc-bridge.js';
import { registerFileDialog } from './file-dialog.js';
import { createMainWindow } from './main-window.js';
import { installMenu } from './menu.js';
import { denyAllPermissions } from './security.js';
import { notifyMonitorAlerts } from './alert-notifications.js';

/** Paths the bootstrap needs. */
export interface BootstrapOptions {
  rendererDir: string;
  preloadPath: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  onFatal?: (message: string) => void;
}

/** What a started app holds (for tests). */
export interface RunningApp {
  core?: Core;
  window?: BrowserWindow;
}

/** Reads `--home PATH` or `--home=PATH` from the command line. */
export function homeFlag(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--home') return argv[i + 1];
    if (arg.startsWith('--home=')) return arg.slice('--home='.length);
  }
  return undefined;
}

/** Starts Lathe's main process. Returns undefined when another instance already runs (that one is focused). */
export async function bootstrap(electron: ElectronApi, options: BootstrapOptions): Promise<RunningApp | undefined> {
  if (!electron.app.requestSingleInstanceLock()) {
    electron.app.quit();
    return undefined;
  }
  registerAppScheme(electron);
  const running: RunningApp = {};
  electron.app.on('second-instance', () => {
    if (running.window) {
      if (running.window.isMinimized()) running.window.restore();
      running.window.focus();
    }
  });
  electron.app.on('window-all-closed', () => electron.app.quit());
  electron.app.on('will-quit', () => void running.core?.dispose());

  await electron.app.whenReady();
  denyAllPermissions(electron.session.defaultSession);
  electron.protocol.handle(appScheme, createAppProtocolHandler(options.rendererDir));

  const home = resolveHomePath({
    flag: homeFlag(options.argv),
    env: options.env.LATHE_HOME,
    fallback: electron.app.getPath('userData'),
  });
  try {
    running.core = openCore({ home, shell: 'electron' });
  } catch (error) {
    options.onFatal?.((error as Error).message);
    electron.app.quit();
    return running;
  }
  const core = running.core;
  registerIpcBridge(electron.ipcMain, createDispatch(createHandlers(core, latheVersion())));
  registerFileDialog(electron);
  installMenu(electron);
  running.window = createMainWindow(electron, options.preloadPath);
  notifyMonitorAlerts(electron, core.events);
  core.events.onDidEmit((event, payload) => {
    const window = running.window;
    if (window && !window.isDestroyed()) window.webContents.send(ipcChannels.event, event, payload);
  });
  return running;
}

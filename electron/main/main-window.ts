/** Creates the one Lathe window, with the security settings written out in the constructor call. */
import type { BrowserWindow } from 'electron';
import type { ElectronApi } from './electron-api.js';
import { appOrigin } from './app-protocol.js';
import { hardenWebContents, secureWebPreferences } from './security.js';

/** Opens the main window on app://lathe/index.html. */
export function createMainWindow(
  electron: Pick<ElectronApi, 'BrowserWindow' | 'shell'>,
  preloadPath: string,
): BrowserWindow {
  const window = new electron.BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Lathe',
    show: false,
    webPreferences: {
      ...secureWebPreferences(preloadPath),
      // Written here as well, so a reader of this call sees them without following the helper.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  hardenWebContents(window.webContents, electron.shell);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${appOrigin}/index.html`);
  return window;
}

/** The native menu: the usual roles plus Help links that open only in the browser. */
import type { MenuItemConstructorOptions } from 'electron';
import type { ElectronApi } from './electron-api.js';
import { openExternalSafely } from './security.js';

/** Builds the menu template (exported for tests). */
export function menuTemplate(shell: ElectronApi['shell'], platform = process.platform): MenuItemConstructorOptions[] {
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'MLflow client compatibility',
          click: () => openExternalSafely(shell, 'https://mlflow.org/docs/latest/python_api/mlflow.client.html'),
        },
      ],
    },
  ];
}

/** Installs the menu. */
export function installMenu(electron: Pick<ElectronApi, 'Menu' | 'shell'>): void {
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(menuTemplate(electron.shell)));
}

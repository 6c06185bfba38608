/** The native open-file dialog for data files, for the Datasets page's "Choose file…" in the desktop app. */
import { dataFileExtensions } from '../../shared/desktop.js';
import { ipcChannels } from '../../shared/contract/index.js';
import type { ElectronApi } from './electron-api.js';
import { isTrustedSender } from './ipc-bridge.js';

/** Registers the handler; only the app's own top frame may open the dialog. */
export function registerFileDialog(electron: Pick<ElectronApi, 'ipcMain' | 'dialog'>): () => void {
  electron.ipcMain.handle(ipcChannels.pickDataFile, async (event) => {
    if (!isTrustedSender(event))
      throw new Error(JSON.stringify({ code: 'FORBIDDEN', message: 'IPC from an untrusted frame was refused' }));
    const result = await electron.dialog.showOpenDialog({
      title: 'Add a dataset',
      properties: ['openFile'],
      filters: [{ name: 'Data files', extensions: [...dataFileExtensions] }],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  return () => electron.ipcMain.removeHandler(ipcChannels.pickDataFile);
}

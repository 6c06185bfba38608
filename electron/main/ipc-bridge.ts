/**
 * The only IPC handler: checks the sender is the main frame of an app page, then hands the method name
 * and payload to the core's dispatcher, which parses it with the contract before any service runs
 * (the pattern of VS Code's validatedIpcMain). Errors travel as the contract's error shape.
 */
import { ipcChannels } from '../../shared/contract/index.js';
import type { Dispatch } from '../core/rpc/dispatch.js';
import type { ElectronApi, IpcMainInvokeEvent } from './electron-api.js';
import { isAppUrl } from './security.js';

/** True when the message comes from the top frame of a page served from app://lathe. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  // Only the top-level frame speaks for the app; an iframe (even same-origin) does not.
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/** Registers the invoke handler; returns the function that removes it. */
export function registerIpcBridge(ipcMain: ElectronApi['ipcMain'], dispatch: Dispatch): () => void {
  ipcMain.handle(ipcChannels.invoke, async (event, method: unknown, payload: unknown) => {
    if (!isTrustedSender(event)) {
      throw new Error(JSON.stringify({ code: 'FORBIDDEN', message: 'IPC from an untrusted frame was refused' }));
    }
    const result = await dispatch(typeof method === 'string' ? method : String(method), payload);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value;
  });
  return () => ipcMain.removeHandler(ipcChannels.invoke);
}

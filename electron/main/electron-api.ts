/**
 * The few Electron APIs the main process uses, as one injectable object. main.ts passes the real
 * module; unit tests pass a small fake (the Electron binary cannot be installed on the build machine).
 */
import type {
  App,
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Dialog,
  IpcMain,
  IpcMainInvokeEvent,
  Menu,
  Notification,
  NotificationConstructorOptions,
  Protocol,
  Session,
  Shell,
} from 'electron';

/** The Electron surface Lathe's main process depends on. */
export interface ElectronApi {
  app: Pick<App, 'getPath' | 'whenReady' | 'on' | 'quit' | 'requestSingleInstanceLock' | 'getVersion' | 'isPackaged'>;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  protocol: Pick<Protocol, 'handle' | 'registerSchemesAsPrivileged'>;
  session: { defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> };
  shell: Pick<Shell, 'openExternal'>;
  Menu: Pick<typeof Menu, 'buildFromTemplate' | 'setApplicationMenu'>;
  dialog: Pick<Dialog, 'showOpenDialog'>;
  /** Desktop notifications (monitor alerts); absent in fakes that do not test them. */
  Notification?: { new (options: NotificationConstructorOptions): Pick<Notification, 'show'>; isSupported(): boolean };
}

export type { IpcMainInvokeEvent };

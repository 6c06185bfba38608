/**
 * A small fake of the Electron APIs the main process uses. The Electron binary cannot be installed on
 * the build machines, so the main-process wiring is tested against this; the `electron` Playwright
 * project tests the real thing wherever a binary exists.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { ElectronApi } from '../electron-api.js';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** A fake WebContents: records handlers so tests can fire navigation and window.open. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: 'allow' | 'deny' };
  readonly sent: unknown[][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  /** Fires a navigation event and says whether it was prevented. */
  navigate(eventName: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(eventName, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

/** A fake BrowserWindow that keeps the options it was built with. */
export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl?: string;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
}

/** Builds a fresh fake; `lock` decides what requestSingleInstanceLock answers. */
export function createFakeElectron(options: { lock?: boolean; userData?: string } = {}) {
  const app = Object.assign(new EventEmitter(), {
    quitCalled: false,
    getPath: (_name: string) => options.userData ?? '/nonexistent',
    whenReady: () => Promise.resolve(),
    quit() {
      app.quitCalled = true;
    },
    requestSingleInstanceLock: () => options.lock ?? true,
    getVersion: () => '0.0.0-fake',
    isPackaged: false,
  });
  const handlers = new Map<string, Handler>();
  const opened: string[] = [];
  const permission = {
    request: undefined as undefined | ((...args: unknown[]) => void),
    check: undefined as undefined | ((...args: unknown[]) => boolean),
  };
  const protocols = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
  };
  let menuTemplate: unknown;
  const dialogCalls: unknown[] = [];
  let dialogAnswer: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
  FakeBrowserWindow.instances = [];
  const fake = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void protocols.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        void protocols.handlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => void (permission.request = handler),
        setPermissionCheckHandler: (handler: (...args: unknown[]) => boolean) => void (permission.check = handler),
      },
    },
    shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) },
    dialog: {
      showOpenDialog: (options: unknown) => {
        dialogCalls.push(options);
        return Promise.resolve(dialogAnswer);
      },
    },
    Menu: {
      buildFromTemplate: (template: unknown) => (menuTemplate = template),
      setApplicationMenu: () => {},
    },
  };
  return {
    electron: fake as unknown as ElectronApi,
    app,
    handlers,
    opened,
    permission,
    protocols,
    menu: () => menuTemplate,
    dialogCalls,
    answerDialog: (answer: { canceled: boolean; filePaths: string[] }) => void (dialogAnswer = answer),
  };
}

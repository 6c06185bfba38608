/**
 * The Electron security checklist, applied in one place: a window's preferences, what its web contents
 * may do (no new windows, no navigation away, https-only external links) and the session's permissions.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';
import type { ElectronApi } from './electron-api.js';
import { appOrigin } from './app-protocol.js';

/** The webPreferences of every Lathe window: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(
  preloadPath: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** True for a URL of the app's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    // Compare scheme and host: for a custom scheme WHATWG URL gives origin "null" outside Electron.
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === appOrigin;
  } catch {
    return false;
  }
}

/** Opens a link in the user's browser, only when it is https. Returns whether it was opened. */
export function openExternalSafely(shell: ElectronApi['shell'], url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  void shell.openExternal(parsed.toString());
  return true;
}

/** Denies window.open (https links go to the browser) and blocks navigation and redirects away from the app. */
export function hardenWebContents(contents: WebContents, shell: ElectronApi['shell']): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(shell, url);
    return { action: 'deny' };
  });
  const blockForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Lathe needs no camera, microphone, location or notifications permission from web content: deny them all. */
export function denyAllPermissions(session: ElectronApi['session']['defaultSession']): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Picks the transport: the preload's `window.lathe` inside Electron, HTTP in a browser. */
import { methodNames, type LatheClient } from '../../../shared/contract/index';
import type { DesktopBridge } from '../../../shared/desktop';
import { ClientError } from './client-error';
import { createHttpClient } from './http-transport';

declare global {
  interface Window {
    /** Exposed by electron/preload in the desktop app; absent in the web shell. */
    lathe?: LatheClient;
    /** Desktop-only helpers (file paths, native dialogs); absent in the web shell. */
    latheDesktop?: DesktopBridge;
  }
}

/** The client for this page. */
export function createClient(): LatheClient {
  return window.lathe ? wrapIpcClient(window.lathe) : createHttpClient();
}

/** Errors crossing contextBridge lose their fields; the preload packs the error shape into the message, unpacked here. */
function wrapIpcClient(bridge: LatheClient): LatheClient {
  const wrapped = Object.fromEntries(
    methodNames.map((method) => [
      method,
      async (input: unknown) => {
        try {
          return await (bridge[method] as (input: unknown) => Promise<unknown>)(input);
        } catch (error) {
          throw ClientError.from(error);
        }
      },
    ]),
  ) as Omit<LatheClient, 'on'>;
  return { ...wrapped, on: (event, listener) => bridge.on(event, listener) } satisfies LatheClient;
}

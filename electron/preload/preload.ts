/**
 * Exposes `window.lathe`: one named async function per contract method and `on(event)`. The page never
 * sees ipcRenderer; every call goes through the single validated invoke channel.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { DesktopBridge } from '../../shared/desktop';
import {
  eventNames,
  ipcChannels,
  methodNames,
  type EventName,
  type EventPayload,
  type LatheClient,
} from '../../shared/contract/index';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(ipcChannels.event, (_event, name: string, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const methodsObject = Object.fromEntries(
  methodNames.map((method) => [method, (input: unknown) => ipcRenderer.invoke(ipcChannels.invoke, method, input)]),
) as Omit<LatheClient, 'on'>;

const client = {
  ...methodsObject,
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!eventNames.includes(event)) throw new Error(`Unknown event ${event}`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  },
} satisfies LatheClient;

contextBridge.exposeInMainWorld('lathe', client);

const desktop = {
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  pickDataFile: () => ipcRenderer.invoke(ipcChannels.pickDataFile) as Promise<string | null>,
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('latheDesktop', desktop);

/** The preload, run against a mocked 'electron' module (no Electron binary here). */
import { describe, expect, it, vi } from 'vitest';
import { ipcChannels, methodNames } from '../../shared/contract/index.js';

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
let eventListener: ((event: unknown, ...args: unknown[]) => void) | undefined;

vi.mock('electron', () => ({
  webUtils: { getPathForFile: (file: { fakePath: string }) => file.fakePath },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve('ok')),
    on: (_channel: string, listener: (event: unknown, ...args: unknown[]) => void) => (eventListener = listener),
  },
}));

describe('preload', () => {
  it('exposes one named function per contract method and on(), never ipcRenderer', async () => {
    await import('./preload.js');
    const api = exposed.lathe as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.keys(exposed)).toEqual(['lathe', 'latheDesktop']);
    expect(JSON.stringify(Object.keys(api))).not.toContain('ipcRenderer');
  });

  it('gives the desktop page file paths (webUtils) and the native file dialog, nothing else', async () => {
    const desktop = exposed.latheDesktop as {
      pathForFile: (file: unknown) => string;
      pickDataFile: () => Promise<unknown>;
    };
    expect(Object.keys(desktop).sort()).toEqual(['pathForFile', 'pickDataFile']);
    expect(desktop.pathForFile({ fakePath: '/data/x.csv' })).toBe('/data/x.csv');
    await desktop.pickDataFile();
    expect(invoked.at(-1)).toEqual([ipcChannels.pickDataFile]);
  });

  it('sends every call through the single invoke channel', async () => {
    const api = exposed.lathe as Record<string, (input: unknown) => Promise<unknown>>;
    await api['experiments.create']!({ name: 'x' });
    expect(invoked.at(-1)).toEqual([ipcChannels.invoke, 'experiments.create', { name: 'x' }]);
  });

  it('delivers events to subscribers until they unsubscribe, and refuses unknown events', () => {
    const api = exposed.lathe as { on: (event: string, listener: (payload: unknown) => void) => () => void };
    const received: unknown[] = [];
    const off = api.on('experiments.changed', (payload) => received.push(payload));
    eventListener!({}, 'experiments.changed', { id: '1', change: 'created' });
    off();
    eventListener!({}, 'experiments.changed', { id: '2', change: 'created' });
    expect(received).toEqual([{ id: '1', change: 'created' }]);
    expect(() => api.on('no.such.event', () => {})).toThrow(/Unknown event/);
  });
});

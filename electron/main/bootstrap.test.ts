/**
 * Main-process wiring, tested against a fake of Electron (the binary cannot be installed here; the
 * `electron` Playwright project covers the real app where a binary exists).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipcChannels } from '../../shared/contract/index.js';
import { bootstrap, homeFlag, type RunningApp } from './bootstrap.js';
import { createFakeElectron, FakeBrowserWindow } from './testing/fake-electron.js';
import { isTrustedSender } from './ipc-bridge.js';
import { menuTemplate } from './menu.js';

let dir: string;
let renderer: string;
let running: RunningApp | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lathe-main-'));
  renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<title>Lathe</title>');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
});
afterEach(() => {
  running?.core?.dispose();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: { lock?: boolean; argv?: string[] } = {}) {
  const fake = createFakeElectron({ lock: options.lock, userData: join(dir, 'userData') });
  running = await bootstrap(fake.electron, {
    rendererDir: renderer,
    preloadPath: join(dir, 'preload.cjs'),
    argv: options.argv ?? [],
    env: {},
  });
  return fake;
}

const trustedEvent = { senderFrame: { url: 'app://lathe/index.html', parent: null }, sender: {} };

describe('main window', () => {
  it('is created with contextIsolation, sandbox and no Node integration, on app://lathe', async () => {
    await start();
    const [window] = FakeBrowserWindow.instances;
    expect(window).toBeDefined();
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(window!.options.webPreferences?.preload).toBe(join(dir, 'preload.cjs'));
    expect(window!.loadedUrl).toBe('app://lathe/index.html');
  });

  it('denies window.open and opens only https links outside', async () => {
    const fake = await start();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    expect(contents.windowOpenHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'http://example.com' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://example.com/docs']);
  });

  it('blocks navigation and redirects away from the app', async () => {
    await start();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    expect(contents.navigate('will-navigate', 'https://evil.example')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-redirect', 'http://127.0.0.1:9999')).toBe(true);
    expect(contents.navigate('will-navigate', 'app://lathe/index.html#/experiments')).toBe(false);
  });

  it('denies every permission request and check', async () => {
    const fake = await start();
    let granted: boolean | undefined;
    fake.permission.request!({}, 'media', (answer: boolean) => (granted = answer));
    expect(granted).toBe(false);
    expect(fake.permission.check!({}, 'notifications')).toBe(false);
  });

  it('serves app://lathe from the renderer folder only', async () => {
    const fake = await start();
    expect(fake.protocols.privileged).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    const handler = fake.protocols.handlers.get('app')!;
    const ok = await handler(new Request('app://lathe/index.html'));
    expect(await ok.text()).toContain('<title>Lathe</title>');
    expect(ok.headers.get('content-security-policy')).toContain("object-src 'none'");
    for (const path of [
      'app://lathe/../secret.txt',
      'app://lathe/%2e%2e/secret.txt',
      'app://lathe/..%5csecret.txt',
      'app://other/index.html',
    ]) {
      const res = await handler(new Request(path));
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('quits when another instance holds the lock', async () => {
    const fake = await start({ lock: false });
    expect(fake.app.quitCalled).toBe(true);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('uses --home from the command line', async () => {
    await start({ argv: ['electron', '.', '--home', join(dir, 'custom')] });
    expect(running?.core?.home).toBe(join(dir, 'custom'));
    expect(homeFlag(['--home=/x'])).toBe('/x');
  });

  it('has a native menu with Help links that open only over https', () => {
    const opened: string[] = [];
    const template = menuTemplate({ openExternal: async (url: string) => void opened.push(url) });
    const help = template.find((item) => item.role === 'help')!;
    const item = (help.submenu as { click: () => void }[])[0]!;
    item.click();
    expect(opened[0]).toMatch(/^https:\/\//);
  });
});

describe('IPC bridge', () => {
  it('answers a trusted call through the contract', async () => {
    const fake = await start();
    const handler = fake.handlers.get(ipcChannels.invoke)!;
    const created = await handler(trustedEvent, 'experiments.create', { name: 'from-ipc' });
    expect(created).toMatchObject({ name: 'from-ipc' });
  });

  it('refuses senders that are not the top frame of an app page', async () => {
    const fake = await start();
    const handler = fake.handlers.get(ipcChannels.invoke)!;
    const untrusted = [
      { senderFrame: { url: 'https://evil.example/', parent: null }, sender: {} },
      { senderFrame: { url: 'app://lathe/index.html', parent: {} }, sender: {} },
      { senderFrame: null, sender: {} },
    ];
    for (const event of untrusted) {
      await expect(Promise.resolve(handler(event, 'experiments.create', { name: 'sneaky' }))).rejects.toThrow(
        /FORBIDDEN/,
      );
    }
    expect(running!.core!.experiments.findByName('sneaky')).toBeUndefined();
    expect(isTrustedSender(trustedEvent as never)).toBe(true);
  });

  it('parses the payload before any service runs: bad input is refused and nothing changes', async () => {
    const fake = await start();
    const handler = fake.handlers.get(ipcChannels.invoke)!;
    const before = running!.core!.experiments.list().length;
    await expect(Promise.resolve(handler(trustedEvent, 'experiments.create', { name: 7 }))).rejects.toThrow(
      /BAD_INPUT/,
    );
    await expect(Promise.resolve(handler(trustedEvent, 'no.such.method', {}))).rejects.toThrow(/UNKNOWN_METHOD/);
    expect(running!.core!.experiments.list().length).toBe(before);
  });

  it('opens the native file dialog for data files, only for the app itself', async () => {
    const fake = await start();
    const handler = fake.handlers.get(ipcChannels.pickDataFile)!;
    expect(await handler(trustedEvent)).toBeNull();
    fake.answerDialog({ canceled: false, filePaths: ['/data/customers.csv'] });
    expect(await handler(trustedEvent)).toBe('/data/customers.csv');
    expect(fake.dialogCalls[0]).toMatchObject({
      properties: ['openFile'],
      filters: [{ extensions: expect.arrayContaining(['csv', 'parquet']) }],
    });
    await expect(
      Promise.resolve(handler({ senderFrame: { url: 'https://evil.example/', parent: null }, sender: {} })),
    ).rejects.toThrow(/FORBIDDEN/);
  });

  it('forwards core events to the window', async () => {
    await start();
    running!.core!.experiments.create('evented');
    const sent = FakeBrowserWindow.instances[0]!.webContents.sent;
    expect(sent).toContainEqual([
      ipcChannels.event,
      'experiments.changed',
      expect.objectContaining({ change: 'created' }),
    ]);
  });
});

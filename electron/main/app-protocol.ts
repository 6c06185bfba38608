/** Serves the built renderer from `app://lathe/` rather than file://, so the page has a real origin and a strict CSP applies. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ElectronApi } from './electron-api.js';
import { contentSecurityPolicy } from '../../shared/security.js';
import { resolveInside } from '../core/safe-path.js';

/** The scheme and host of the app's own pages. */
export const appScheme = 'app';
export const appOrigin = 'app://lathe';

/** Must run before the app is ready: marks app:// standard and secure (fetch, relative URLs, secure context). */
export function registerAppScheme(electron: Pick<ElectronApi, 'protocol'>): void {
  electron.protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** Answers app://lathe/<path> from `rendererDir`; other hosts and escaping paths get 404. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'lathe') return new Response('Not found', { status: 404 });
    const file = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return new Response('Bad path', { status: 400 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': types[extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': contentSecurityPolicy,
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}

/** Serves the built renderer from one folder; any path that would leave it is refused. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { contentSecurityPolicy } from '../../shared/security.js';
import { resolveInside } from '../core/safe-path.js';
import type { ServerResponse } from 'node:http';
import { baseHeaders, sendJson } from './http-io.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

/** Sends a file of the renderer; unknown paths without an extension get index.html (client-side routes). */
export function serveStatic(root: string, urlPath: string, response: ServerResponse): void {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    sendJson(response, 503, {
      error: {
        code: 'INTERNAL',
        message: `The renderer is not built (${indexFile} is missing): run \`npm run build\``,
      },
    });
    return;
  }
  let file = resolveInside(root, urlPath === '/' ? '/index.html' : urlPath);
  if (!file) {
    sendJson(response, 400, { error: { code: 'BAD_INPUT', message: 'Invalid path' } });
    return;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (extname(file) !== '') {
      sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `No such file: ${urlPath}` } });
      return;
    }
    file = indexFile;
  }
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string | number> = {
    ...baseHeaders,
    'Content-Type': type,
    'Content-Length': statSync(file).size,
  };
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy;
  // Hashed asset names never change content, so they may be cached; everything else may not.
  if (file.includes(`${sep}assets${sep}`)) headers['Cache-Control'] = 'private, max-age=31536000, immutable';
  response.writeHead(200, headers);
  createReadStream(file).pipe(response);
}

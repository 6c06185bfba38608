/**
 * The headless shell's HTTP server: the built renderer, the contract at `POST /api/rpc/<method>`, and
 * events at `GET /api/events`. Loopback only, token required, Host checked, no CORS headers at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatheError, toErrorShape } from '../../shared/errors.js';
import type { Dispatch } from '../core/rpc/dispatch.js';
import type { EventBus } from '../core/events.js';
import { authenticate, crossSiteRefusal, isAllowedHost, tokenCookieName } from './auth.js';
import { EventStreams } from './event-stream.js';
import { baseHeaders, readJson, sendError, sendJson } from './http-io.js';
import { serveStatic } from './static-files.js';

/** The largest RPC body accepted. */
export const rpcBodyLimit = 16 * 1024 * 1024;

/** Extra routes a feature mounts on the server (the MLflow API, uploads). Return false to pass. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** One endpoint of a table, found and given its request's fields by the table, called by the server. */
export interface TableEndpoint {
  /** Answers with the fields, the HTTP method and the path parameters, in path order. */
  run(fields: Record<string, unknown>, method: string, params: string[]): unknown;
}

/**
 * A table of JSON endpoints under URL prefixes (the MLflow API). The table finds the endpoint and reads the
 * request's fields in its API's way, then returns; the server calls the endpoint itself and hands the result
 * or the error back to the table to write. The endpoint's family thus runs straight under this file, not
 * under a router that wraps every call.
 */
export interface EndpointTable {
  prefixes: string[];
  /**
   * The endpoint for the path after the prefix, its path parameters and fields; throws (in the API's own
   * error shape) for no endpoint, a wrong method or a bad body.
   */
  prepare(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    path: string,
  ): Promise<{ endpoint: TableEndpoint; fields: Record<string, unknown>; params: string[] }>;
  /** Writes a result (status 200). */
  answer(response: ServerResponse, result: unknown): void;
  /** Writes an error in the API's own shape. */
  fail(response: ServerResponse, error: unknown): void;
}

/** What the server needs. */
export interface HttpServerOptions {
  dispatch: Dispatch;
  events: EventBus;
  rendererDir: string;
  token: string;
  port: number;
  routes?: RouteHandler[];
  /** Endpoint tables, looked up before the routes. */
  tables?: EndpointTable[];
}

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/** The only address Lathe ever binds. */
export const loopbackHost = '127.0.0.1';

/** Starts listening on 127.0.0.1:<port> (0 picks a free port). */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const streams = new EventStreams(options.events);
  let port = options.port;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, toErrorShape(error));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHost(request.headers.host, port)) {
      sendError(response, {
        code: 'FORBIDDEN',
        message: `Host "${request.headers.host ?? ''}" is not this server's loopback address`,
      });
      return;
    }
    const url = new URL(request.url ?? '/', `http://${loopbackHost}:${port}`);
    const source = authenticate(request, url, options.token, port);
    if (!source) {
      sendError(response, {
        code: 'UNAUTHORIZED',
        message: 'A token is required: open the URL `lathe serve` printed, or send Authorization: Bearer <token>',
      });
      return;
    }
    const refusal = source === 'cookie' ? crossSiteRefusal(request, port) : undefined;
    if (refusal) {
      request.resume();
      sendError(response, {
        code: 'FORBIDDEN',
        message: `Refused a ${request.method} authorised by the cookie alone: ${refusal}. Scripts send Authorization: Bearer <token>.`,
      });
      return;
    }
    if (source === 'query' && request.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Trade the token in the URL for a cookie, then drop it from the address bar (as Jupyter does).
      url.searchParams.delete('token');
      response.writeHead(302, {
        ...baseHeaders,
        'Set-Cookie': `${tokenCookieName(port)}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
      });
      response.end();
      return;
    }
    for (const table of options.tables ?? []) {
      const prefix = table.prefixes.find((candidate) => url.pathname.startsWith(candidate));
      if (prefix === undefined) continue;
      try {
        const { endpoint, fields, params } = await table.prepare(
          request,
          response,
          url,
          url.pathname.slice(prefix.length),
        );
        table.answer(response, await endpoint.run(fields, request.method ?? 'GET', params));
      } catch (error) {
        table.fail(response, error);
      }
      return;
    }
    for (const route of options.routes ?? []) {
      if (await route(request, response, url)) return;
    }
    if (url.pathname.startsWith('/api/rpc/')) {
      if (request.method !== 'POST') {
        response.setHeader('Allow', 'POST');
        sendJson(response, 405, { error: { code: 'BAD_INPUT', message: 'RPC methods are called with POST' } });
        return;
      }
      // Requiring JSON forces a CORS preflight on any cross-origin caller, which gets no CORS answer.
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
        sendError(response, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'RPC bodies are JSON: send Content-Type: application/json',
        });
        return;
      }
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice('/api/rpc/'.length));
      } catch {
        throw new LatheError('BAD_INPUT', 'The method name in the URL has a malformed %-escape', { field: 'method' });
      }
      const payload = await readJson(request, rpcBodyLimit);
      const result = await options.dispatch(method, payload);
      if (result.ok) sendJson(response, 200, { result: result.value ?? null });
      else sendError(response, result.error);
      return;
    }
    if (url.pathname === '/api/events' && request.method === 'GET') {
      streams.accept(request, response);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendError(response, { code: 'NOT_FOUND', message: `No API route ${request.method} ${url.pathname}` });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: { code: 'BAD_INPUT', message: `${request.method} is not allowed here` } });
      return;
    }
    serveStatic(options.rendererDir, url.pathname, response);
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new LatheError(
              'CONFLICT',
              `Port ${options.port} on ${loopbackHost} is already in use; pass --port 0 for a free one`,
            )
          : error,
      );
    });
    server.listen(options.port, loopbackHost, () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${loopbackHost}:${port}/`;
  return {
    url,
    port,
    token: options.token,
    server,
    async close() {
      streams.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/**
 * Who may talk to `lathe serve`: only pages and programs on this machine that know the token. The Host
 * header must name the loopback address we serve (defeats DNS rebinding), and every request carries the
 * token as `?token=`, a cookie set from it, or `Authorization: Bearer` (what MLflow's client sends).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The cookie name, per port: browsers share cookies across ports of one host. */
export function tokenCookieName(port: number): string {
  return `lathe_token_${port}`;
}

/** True when the Host header is 127.0.0.1:<port> or localhost:<port>. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Where the token in a request came from, if it was valid. */
export type TokenSource = 'query' | 'cookie' | 'bearer';

/** Checks the request's token; returns where the valid token came from, or undefined. */
export function authenticate(request: IncomingMessage, url: URL, token: string, port: number): TokenSource | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && sameSecret(fromQuery, token)) return 'query';
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ') && sameSecret(authorization.slice(7).trim(), token)) return 'bearer';
  const cookie = readCookie(request.headers.cookie, tokenCookieName(port));
  if (cookie !== undefined && sameSecret(cookie, token)) return 'cookie';
  return undefined;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

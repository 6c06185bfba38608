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
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // A malformed %-escape is no token (401), not a server error.
    }
  }
  return undefined;
}

/** Content types a page may send cross-origin without a CORS preflight (the Fetch standard's safelist). */
const simpleContentTypes = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Why a request that changes state, authorised by the cookie alone, cannot be proven to come from the app's
 * own page; undefined when it can. The cookie is SameSite=Strict, but every port of 127.0.0.1 is the same
 * site, so a page served on another port carries it. Such a page can only send a "simple" request without
 * a preflight (which gets no CORS answer here): so the body must be declared with a non-simple content
 * type, and the browser's Origin and Sec-Fetch-Site headers, when present, must name this server.
 * Bearer and ?token= callers prove the secret itself and are not asked.
 */
export function crossSiteRefusal(request: IncomingMessage, port: number): string | undefined {
  const method = request.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
    return `the request comes from another site or origin (Sec-Fetch-Site: ${String(fetchSite).slice(0, 40)})`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)
    return `the request comes from another origin (${origin.slice(0, 100)})`;
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type === '' || simpleContentTypes.includes(type))
    return `a ${type || 'bodiless'} request can be sent by any page without a preflight; send a JSON or binary body with its Content-Type`;
  return undefined;
}

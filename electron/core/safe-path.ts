/** Resolving paths that come from outside (URLs, API payloads) so they can never leave their root. */
import { resolve, sep } from 'node:path';

/**
 * Resolves a URL path inside `root`, or undefined when it would escape it or carries something odd:
 * malformed percent-encoding, NUL bytes or backslashes (Windows separators smuggled through URLs).
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const base = resolve(root);
  const target = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return target === base || target.startsWith(base + sep) ? target : undefined;
}

/**
 * Artifact paths come from outside (REST calls, URLs): they are checked here before anything else sees
 * them. MLflow's artifact handlers shipped a long run of path traversal CVEs (`..`, `%2e%2e`, double
 * encoding, backslashes, `#`, `;`, `//proc/self/root`, `file:` URIs); every one of those is refused with
 * BAD_INPUT. Artifacts are objects in the content-addressed store, so no file path is ever built from an
 * artifact path; the checks keep the names clean and the refusal explicit.
 */
import { LatheError } from '../../../shared/errors.js';

/**
 * Characters that look like ".", "/" or "\\" (full-width and small forms, leaders, ideographic stops,
 * division and fraction slashes, solidus operators). MLflow refuses them since a tool further down (an
 * unzip, a Windows API, a normalising file system) may read them as the real thing. NFKC maps some of them
 * onto the real thing; the rest only look like it, so both the list and the normalised form are checked.
 */
const lookAlikes =
  /[\u2024\u2025\u2026\u3002\uFE52\uFF0E\uFF61\u2044\u2215\u2571\u29F8\u27CB\uFF0F\u2216\u2572\u29F5\u29F9\u27CD\uFE68\uFF3C]/u;

/** The longest artifact path accepted. */
export const maxArtifactPathLength = 1024;

/**
 * Checks a run-relative artifact path, already URL-decoded once, and returns it unchanged (no silent
 * rewriting). `allowEmpty` admits '' (the run's root) for listing.
 */
export function checkArtifactPath(path: string, options: { allowEmpty?: boolean } = {}): string {
  const refuse = (why: string): never => {
    throw new LatheError('BAD_INPUT', `Invalid artifact path "${path.slice(0, 200)}": ${why}`, { field: 'path' });
  };
  if (path === '') {
    if (options.allowEmpty) return '';
    refuse('it is empty');
  }
  if (lookAlikes.test(path))
    refuse('look-alikes of ".", "/" and "\\" (full-width dots, division slash …) are not allowed');
  checkForm(path, refuse);
  // The same rules again on the NFKC form, which turns full-width ":" "%" "~" and the like into the real ones.
  const normalised = path.normalize('NFKC');
  if (normalised !== path) checkForm(normalised, (why) => refuse(`its Unicode normal form (NFKC): ${why}`));
  return path;
}

/** The structural rules, for one spelling of a path. */
function checkForm(path: string, refuse: (why: string) => never): void {
  if (path.length > maxArtifactPathLength) refuse(`longer than ${maxArtifactPathLength} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse('control characters are not allowed');
  if (path.includes('\\')) refuse('backslashes are not allowed');
  if (path.includes('%')) refuse('"%" is not allowed (the path was encoded more than once)');
  if (path.includes('#') || path.includes(';') || path.includes('?')) refuse('"#", ";" and "?" are not allowed');
  if (path.includes(':')) refuse('":" is not allowed (no URI schemes or drive letters)');
  if (path.startsWith('/') || path.startsWith('~')) refuse("it must be relative to the run's artifact root");
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') refuse('empty segments ("//") are not allowed');
    if (segment === '.' || segment === '..') refuse('"." and ".." segments are not allowed');
  }
}

/** Decodes the segments of a raw URL path once each; refuses what cannot be decoded or hides a separator. */
export function decodeUrlArtifactPath(raw: string): string {
  const decoded: string[] = [];
  for (const segment of raw.split('/')) {
    let text: string;
    try {
      text = decodeURIComponent(segment);
    } catch {
      throw new LatheError(
        'BAD_INPUT',
        `Invalid artifact path: malformed percent-encoding in "${segment.slice(0, 100)}"`,
        { field: 'path' },
      );
    }
    if (text.includes('/'))
      throw new LatheError('BAD_INPUT', 'Invalid artifact path: an encoded "/" inside a segment is not allowed', {
        field: 'path',
      });
    decoded.push(text);
  }
  return decoded.join('/');
}

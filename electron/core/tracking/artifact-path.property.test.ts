/**
 * Property-based tests of the artifact path checks (the hardening probe sent 185 traversal requests; this
 * keeps the idea as a bounded suite). Paths are built from the pieces traversal attacks are made of
 * (`..`, `.`, encoded dots and slashes, backslashes, drive letters, NULs, `~`, empty segments) mixed with
 * ordinary names. Whatever the mix: a path the checks accept never leaves its root when resolved, is
 * returned unchanged, and survives a URL round trip; one the checks refuse is refused as BAD_INPUT.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolve, sep } from 'node:path';
import { LatheError } from '../../../shared/errors.js';
import { resolveInside } from '../safe-path.js';
import { checkArtifactPath, decodeUrlArtifactPath } from './artifact-path.js';

const root = resolve('/srv/lathe-home/artifacts/run-1');

/** A refusal's code, or 'accepted' (any other error is a bug). */
function verdict(check: () => string): string {
  try {
    check();
    return 'accepted';
  } catch (error) {
    return error instanceof LatheError ? error.code : `unexpected ${String(error)}`;
  }
}

const hostilePiece = fc.constantFrom(
  '..',
  '.',
  '',
  '%2e%2e',
  '%2E%2E',
  '%2f',
  '%252e%252e',
  '..%2f',
  '\\',
  '..\\..',
  'C:',
  'file:',
  '~',
  '\u0000',
  '#',
  '?x',
  ';x',
  '%',
  '%zz',
  '\n',
);
const namePiece = fc.oneof(
  fc.constantFrom('model.onnx', 'plots', 'a b', 'ünïcode', '日本', '.hidden', '...', 'x..y', 'v1.2'),
  fc.string({ minLength: 1, maxLength: 6 }),
);
/** A path of 1..6 segments, each an ordinary name or a piece of an attack, optionally rooted. */
const candidate = fc
  .tuple(fc.constantFrom('', '/', '//'), fc.array(fc.oneof(hostilePiece, namePiece), { minLength: 1, maxLength: 6 }))
  .map(([prefix, segments]) => prefix + segments.join('/'));

function staysInside(path: string): boolean {
  const target = resolve(root, path);
  return target.startsWith(root + sep);
}

describe('checkArtifactPath', () => {
  it('accepts only paths that stay inside the root, returned unchanged; refuses the rest as BAD_INPUT', () => {
    fc.assert(
      fc.property(candidate, (path) => {
        const result = verdict(() => checkArtifactPath(path));
        expect(result).toMatch(/^(accepted|BAD_INPUT)$/);
        expect(result === 'accepted' ? [staysInside(path), checkArtifactPath(path) === path] : [true, true]).toEqual([
          true,
          true,
        ]);
        expect(result === 'accepted' ? path.split('/').filter((s) => s === '..' || s === '.' || s === '') : []).toEqual(
          [],
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('an accepted path with a ".." segment put anywhere is refused', () => {
    const accepted = fc.array(namePiece, { minLength: 1, maxLength: 5 }).map((segments) => segments.join('/'));
    fc.assert(
      fc.property(accepted, fc.nat(), (path, where) => {
        fc.pre(verdict(() => checkArtifactPath(path)) === 'accepted');
        const segments = path.split('/');
        segments.splice(where % (segments.length + 1), 0, '..');
        expect(verdict(() => checkArtifactPath(segments.join('/')))).toBe('BAD_INPUT');
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeUrlArtifactPath, then checkArtifactPath (the URL route)', () => {
  it('whatever the URL holds, what passes both stays inside the root', () => {
    fc.assert(
      fc.property(candidate, (raw) => {
        const result = verdict(() => checkArtifactPath(decodeUrlArtifactPath(raw)));
        expect(result).toMatch(/^(accepted|BAD_INPUT)$/);
        expect(result === 'accepted' ? staysInside(decodeUrlArtifactPath(raw)) : true).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('every accepted path survives being percent-encoded segment by segment and decoded', () => {
    fc.assert(
      fc.property(fc.array(namePiece, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = segments.join('/');
        fc.pre(verdict(() => checkArtifactPath(path)) === 'accepted');
        expect(decodeUrlArtifactPath(path.split('/').map(encodeURIComponent).join('/'))).toBe(path);
      }),
      { numRuns: 500 },
    );
  });
});

describe('resolveInside (files served by URL)', () => {
  it('returns a path inside the root or nothing, for any URL path', () => {
    fc.assert(
      fc.property(fc.oneof(candidate, fc.string({ maxLength: 30 })), (urlPath) => {
        const target = resolveInside(root, urlPath);
        expect(target === undefined || target === root || target.startsWith(root + sep)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

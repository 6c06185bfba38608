/**
 * Model references as people type them: `NAME`, `NAME@latest`, `NAME@3` or `NAME@champion`. Alias names
 * follow MLflow's rules (`[A-Za-z0-9_-]`, at most 255 characters, `latest` and `v3`-like names reserved)
 * so an alias set through MLflow's client is usable on Lathe's command line and the other way round;
 * Lathe also reserves all-digit names, which `NAME@3` would read as a version.
 */
import { LatheError } from '../../../shared/errors.js';

/** What a reference selects within a model. */
export type VersionSelector =
  { kind: 'latest' } | { kind: 'number'; version: number } | { kind: 'alias'; alias: string };

/** A parsed reference. */
export interface ModelReference {
  name: string;
  selector: VersionSelector;
}

const referencePattern = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9_-]+))?$/;

/** The longest alias MLflow accepts (MAX_REGISTERED_MODEL_ALIAS_LENGTH). */
export const maxAliasLength = 255;

/** Why `alias` cannot be an alias name, or null when it can. */
export function aliasNameProblem(alias: string): string | null {
  if (alias === '') return 'an alias name must not be empty';
  if (alias.length > maxAliasLength) return `an alias name must be at most ${maxAliasLength} characters`;
  if (!/^[A-Za-z0-9_-]+$/.test(alias)) return `"${alias}" may hold only letters, digits, "_" and "-"`;
  if (alias.toLowerCase() === 'latest') return '"latest" is reserved (it always means the newest version)';
  if (/^[vV]\d+$/.test(alias)) return `"${alias}" is reserved: it reads as a version number`;
  if (/^\d+$/.test(alias)) return `"${alias}" is reserved: NAME@${alias} means version ${alias}`;
  return null;
}

/** Throws BAD_INPUT naming the alias when it is not a valid alias name. */
export function assertAliasName(alias: string): void {
  const problem = aliasNameProblem(alias);
  if (problem) throw new LatheError('BAD_INPUT', `Invalid alias: ${problem}`, { field: 'alias', alias });
}

/** Parses `NAME`, `NAME@latest`, `NAME@N` or `NAME@ALIAS`. */
export function parseModelReference(ref: string): ModelReference {
  const match = referencePattern.exec(ref.trim());
  if (!match)
    throw new LatheError(
      'BAD_INPUT',
      `"${ref}" is not a model reference: use NAME, NAME@latest, NAME@N or NAME@ALIAS`,
      { ref },
    );
  const name = match[1]!;
  const after = match[2];
  if (after === undefined || after.toLowerCase() === 'latest') return { name, selector: { kind: 'latest' } };
  if (/^\d+$/.test(after)) return { name, selector: { kind: 'number', version: Number(after) } };
  const problem = aliasNameProblem(after);
  if (problem) throw new LatheError('BAD_INPUT', `"${ref}": ${problem}`, { ref });
  return { name, selector: { kind: 'alias', alias: after } };
}

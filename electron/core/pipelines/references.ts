/**
 * References between steps: `${{ steps.ID.outputs.NAME }}`, `${{ trigger.NAME }}`, `${{ pipeline.name }}`
 * and `${{ run.id }}` (GitHub Actions' syntax, which people already know). A string that is one reference
 * keeps the referenced value's type (a number stays a number); a reference inside a longer string is
 * interpolated as text.
 */

/** One parsed reference. */
export type Reference =
  | { kind: 'step'; text: string; step: string; output: string }
  | { kind: 'trigger'; text: string; name: string }
  | { kind: 'pipeline'; text: string; name: 'name' }
  | { kind: 'run'; text: string; name: 'id' }
  | { kind: 'invalid'; text: string; message: string };

/** A reference found somewhere in a step's settings (the path under `with:`). */
export interface FoundReference {
  path: (string | number)[];
  reference: Reference;
}

const pattern = /\$\{\{\s*(.*?)\s*\}\}/g;

/** Parses the expression inside `${{ … }}`. */
export function parseReference(expression: string, text = `\${{ ${expression} }}`): Reference {
  let match = /^steps\.([A-Za-z][A-Za-z0-9_-]*)\.outputs\.([A-Za-z][A-Za-z0-9_]*)$/.exec(expression);
  if (match) return { kind: 'step', text, step: match[1]!, output: match[2]! };
  match = /^trigger\.([A-Za-z][A-Za-z0-9_]*)$/.exec(expression);
  if (match) return { kind: 'trigger', text, name: match[1]! };
  if (expression === 'pipeline.name') return { kind: 'pipeline', text, name: 'name' };
  if (expression === 'run.id') return { kind: 'run', text, name: 'id' };
  return {
    kind: 'invalid',
    text,
    message: `"${text}" is not a reference (write steps.ID.outputs.NAME, trigger.NAME, pipeline.name or run.id)`,
  };
}

/** Every reference in a value (walking objects and arrays). */
export function findReferences(value: unknown, path: (string | number)[] = []): FoundReference[] {
  if (typeof value === 'string') {
    return [...value.matchAll(pattern)].map((match) => ({ path, reference: parseReference(match[1]!, match[0]) }));
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => findReferences(item, [...path, index]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => findReferences(item, [...path, key]));
  return [];
}

/** What references resolve against. */
export interface ReferenceScope {
  steps: Record<string, Record<string, unknown> | undefined>;
  trigger: Record<string, unknown>;
  pipeline: string;
  runId: string;
}

/** Replaces every reference in `value` by its value; throws when one cannot be resolved (a missing output). */
export function resolveReferences(value: unknown, scope: ReferenceScope): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*(.*?)\s*\}\}$/.exec(value);
    if (whole) return lookup(parseReference(whole[1]!, value), scope);
    return value.replace(pattern, (text, expression: string) => {
      const resolved = lookup(parseReference(expression, text), scope);
      return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, scope));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, scope)]));
  return value;
}

function lookup(reference: Reference, scope: ReferenceScope): unknown {
  switch (reference.kind) {
    case 'invalid':
      throw new Error(reference.message);
    case 'pipeline':
      return scope.pipeline;
    case 'run':
      return scope.runId;
    case 'trigger': {
      if (!(reference.name in scope.trigger))
        throw new Error(
          `${reference.text}: this run's trigger has no value "${reference.name}" (it has ${Object.keys(scope.trigger).join(', ') || 'none'})`,
        );
      return scope.trigger[reference.name];
    }
    case 'step': {
      const outputs = scope.steps[reference.step];
      if (!outputs) throw new Error(`${reference.text}: step "${reference.step}" has not produced its outputs`);
      if (!(reference.output in outputs))
        throw new Error(`${reference.text}: step "${reference.step}" has no output "${reference.output}"`);
      return outputs[reference.output];
    }
  }
}

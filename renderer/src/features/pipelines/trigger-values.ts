/**
 * Which `${{ trigger.NAME }}` values a pipeline's steps use, so Run now can ask for them: a run started by
 * hand has no file or alert behind it, and a step that reads `trigger.file` would otherwise fail on a
 * missing value. Also turns what the form holds into `pipelines.trigger`'s `values` (numbers and booleans
 * as such, as they would arrive from a real trigger).
 */
import type { PipelineSpec } from '../../../../shared/contract/index';

const reference = /\$\{\{\s*trigger\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The trigger value names the steps' settings reference, in order of first use. */
export function triggerValueNames(spec: Pick<PipelineSpec, 'steps'>): string[] {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') for (const match of value.matchAll(reference)) names.add(match[1]!);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const step of spec.steps) visit(step.with);
  return [...names];
}

/** The form's texts as trigger values: `true`/`false` and plain numbers typed, the rest text; blanks left out. */
export function triggerValuesOf(texts: Record<string, string>): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = {};
  for (const [name, raw] of Object.entries(texts)) {
    const text = raw.trim();
    if (text === '') continue;
    if (text === 'true' || text === 'false') values[name] = text === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(text)) values[name] = Number(text);
    else values[name] = text;
  }
  return values;
}

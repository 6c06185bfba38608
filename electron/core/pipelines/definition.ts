/**
 * Pipeline definitions: YAML in, a checked spec (or the problems, each naming the file, line and field)
 * out. The YAML is parsed with `yaml`'s document API so every node keeps its source range; zod checks the
 * shape; then the references between steps (`${{ steps.ID.outputs.NAME }}`) are checked against what each
 * step type declares it outputs, and the graph they make must have no cycle.
 */
import { CronExpressionParser } from 'cron-parser';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import {
  PipelineName,
  PipelineStepType,
  type PipelineProblem,
  type PipelineSpec,
  type PipelineStep,
  type PipelineTrigger,
} from '../../../shared/contract/pipelines.js';
import { LatheError } from '../../../shared/errors.js';
import { stepOutputNames } from './step-outputs.js';
import { findReferences, type Reference } from './references.js';
import { stepHandlers } from './steps.js';

const StepId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a step id starts with a letter and holds only letters, digits, "_" and "-"');

const Trigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }).strict(),
  z
    .object({
      kind: z.literal('cron'),
      schedule: z.string().refine((text) => {
        try {
          CronExpressionParser.parse(text);
          return true;
        } catch {
          return false;
        }
      }, 'not a cron schedule (five fields: minute hour day month weekday, e.g. "0 * * * *")'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('folder'),
      path: z.string().min(1),
      glob: z.string().min(1).default('*'),
      /** A file is complete once its size has not changed for this long. */
      stableMs: z.number().int().min(50).max(600_000).default(1000),
    })
    .strict(),
  z.object({ kind: z.literal('alert'), monitor: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('pipeline'),
      pipeline: PipelineName,
      status: z.enum(['succeeded', 'failed', 'any']).default('succeeded'),
    })
    .strict(),
]);
/** A trigger as declared. */
export type TriggerConfig = z.infer<typeof Trigger>;

const Step = z
  .object({
    type: PipelineStepType,
    needs: z.array(StepId).default([]),
    with: z.record(z.string(), z.unknown()).default({}),
    /** Extra attempts after a failure, with exponential backoff from `backoffMs`. */
    retries: z.number().int().min(0).max(10).default(0),
    backoffMs: z.number().int().min(0).max(3_600_000).default(1000),
  })
  .strict();

const Definition = z
  .object({
    name: PipelineName,
    description: z.string().default(''),
    /** Runs of this pipeline active at once (a folder burst ingests in parallel with more than 1). */
    concurrency: z.number().int().min(1).max(16).default(1),
    triggers: z.array(Trigger).default([{ kind: 'manual' }]),
    steps: z
      .record(StepId, Step)
      .refine((steps) => Object.keys(steps).length > 0, 'a pipeline needs at least one step'),
  })
  .strict();

/** A checked definition with its triggers typed. */
export interface PipelineDefinition {
  spec: PipelineSpec;
  triggers: TriggerConfig[];
}

/** The result of checking a definition. */
export type DefinitionCheck =
  { ok: true; definition: PipelineDefinition; problems: [] } | { ok: false; problems: PipelineProblem[] };

/** Checks YAML text; never throws for bad input (the problems say what is wrong, where). */
export function checkDefinition(text: string): DefinitionCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const spotOf = (path: readonly (string | number)[]) => locate(doc, lineCounter, path);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { line: position.line, column: position.col, field: '', message: error.message.split('\n')[0]! };
      }),
    };
  }
  const parsed = Definition.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        // An unknown key: point at the key itself.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const full = keys.length > 0 ? [...path, keys[0]!] : path;
        return { ...spotOf(full), field: full.join('.'), message: issue.message };
      }),
    };
  }
  const definition = parsed.data;
  const problems: PipelineProblem[] = [];
  const ids = Object.keys(definition.steps);
  const needs = new Map<string, Set<string>>();
  for (const id of ids) {
    const step = definition.steps[id]!;
    const set = new Set<string>();
    step.needs.forEach((need, index) => {
      if (!definition.steps[need])
        problems.push({
          ...spotOf(['steps', id, 'needs', index]),
          field: `steps.${id}.needs`,
          message: `step "${id}" needs "${need}", which is not a step of this pipeline`,
        });
      else set.add(need);
    });
    for (const found of findReferences(step.with)) {
      const field = ['steps', id, 'with', ...found.path];
      const problem = checkReference(found.reference, id, definition.steps);
      if (problem) problems.push({ ...spotOf(field), field: field.join('.'), message: problem });
      else if (found.reference.kind === 'step') set.add(found.reference.step);
    }
    needs.set(id, set);
    problems.push(...checkSettings(id, step.type, step.with, spotOf));
  }
  const cycle = findCycle(ids, needs);
  if (cycle)
    problems.push({
      ...spotOf(['steps', cycle[0]!]),
      field: `steps.${cycle[0]}`,
      message: `steps ${cycle.join(' → ')} form a cycle: each waits for the next`,
    });
  for (const [index, trigger] of definition.triggers.entries())
    if (trigger.kind === 'pipeline' && trigger.pipeline === definition.name)
      problems.push({
        ...spotOf(['triggers', index, 'pipeline']),
        field: `triggers.${index}.pipeline`,
        message: 'a pipeline cannot be triggered by its own end (it would run forever)',
      });
  if (problems.length > 0) return { ok: false, problems };
  const order = topologicalOrder(ids, needs);
  const steps: PipelineStep[] = order.map((id) => ({
    id,
    type: definition.steps[id]!.type,
    needs: [...needs.get(id)!],
    with: definition.steps[id]!.with,
    retries: definition.steps[id]!.retries,
    backoffMs: definition.steps[id]!.backoffMs,
    line: spotOf(['steps', id]).line,
  }));
  const triggers: PipelineTrigger[] = definition.triggers.map((trigger, index) => ({
    kind: trigger.kind,
    detail: describeTrigger(trigger),
    config: { ...trigger },
    line: spotOf(['triggers', index]).line,
  }));
  return {
    ok: true,
    problems: [],
    definition: {
      spec: {
        name: definition.name,
        description: definition.description,
        concurrency: definition.concurrency,
        triggers,
        steps,
      },
      triggers: definition.triggers,
    },
  };
}

/**
 * The settings of a step that wait for no reference, checked now against the step type's own schema, so a
 * misspelt key or a value out of range is marked on its line when the definition is saved rather than when a
 * run reaches the step. A key holding a reference is left to run time (its value is not known yet).
 */
function checkSettings(
  id: string,
  type: PipelineStepType,
  settings: Record<string, unknown>,
  spotOf: (path: readonly (string | number)[]) => { line: number; column: number },
): PipelineProblem[] {
  const referenced = new Set(findReferences(settings).map((found) => String(found.path[0])));
  const known = Object.fromEntries(Object.entries(settings).filter(([key]) => !referenced.has(key)));
  const parsed = stepHandlers[type].settings.safeParse(known);
  if (parsed.success) return [];
  const problems: PipelineProblem[] = [];
  for (const issue of parsed.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
    const path = [...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)), ...keys];
    // Whatever a referenced key could have settled (its absence, a choice between forms) is not judged now.
    if (path.length === 0 ? referenced.size > 0 : referenced.has(String(path[0]))) continue;
    const field = ['steps', id, 'with', ...path];
    problems.push({ ...spotOf(field), field: field.join('.'), message: issue.message });
  }
  return problems;
}

/** Checks YAML text and throws a BAD_INPUT naming the file, line and field of the first problem. */
export function parseDefinition(text: string, file = 'pipeline.yaml'): PipelineDefinition {
  const checked = checkDefinition(text);
  if (checked.ok) return checked.definition;
  const first = checked.problems[0]!;
  const where = first.field ? ` (${first.field})` : '';
  const more = checked.problems.length > 1 ? ` (and ${checked.problems.length - 1} more)` : '';
  throw new LatheError('BAD_INPUT', `${file}:${first.line}:${first.column}${where}: ${first.message}${more}`, {
    file,
    line: first.line,
    column: first.column,
    field: first.field,
    problems: checked.problems,
  });
}

/** A person's one-line description of a trigger. */
export function describeTrigger(trigger: TriggerConfig): string {
  switch (trigger.kind) {
    case 'manual':
      return 'manual';
    case 'cron':
      return `cron ${trigger.schedule}`;
    case 'folder':
      return `files ${trigger.glob} in ${trigger.path}`;
    case 'alert':
      return `alert of monitor ${trigger.monitor}`;
    case 'pipeline':
      return `end of pipeline ${trigger.pipeline} (${trigger.status})`;
  }
}

function checkReference(
  reference: Reference,
  self: string,
  steps: Record<string, { type: PipelineStepType }>,
): string | undefined {
  if (reference.kind === 'invalid') return reference.message;
  if (reference.kind !== 'step') return undefined;
  const target = steps[reference.step];
  if (!target) return `"${reference.text}" names step "${reference.step}", which is not a step of this pipeline`;
  if (reference.step === self) return `"${reference.text}": a step cannot use its own outputs`;
  const outputs = stepOutputNames[target.type];
  if (!outputs.includes(reference.output))
    return `"${reference.text}": the ${target.type} step "${reference.step}" has no output "${reference.output}" (it has ${outputs.join(', ')})`;
  return undefined;
}

function findCycle(ids: string[], needs: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const need of needs.get(id) ?? []) {
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

function topologicalOrder(ids: string[], needs: Map<string, Set<string>>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < ids.length) {
    for (const id of ids) {
      if (placed.has(id)) continue;
      if ([...needs.get(id)!].every((need) => placed.has(need))) {
        order.push(id);
        placed.add(id);
      }
    }
  }
  return order;
}

/** The line, column of the deepest node on `path` that exists (a missing field points at its parent). */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): { line: number; column: number; field: string } {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    const node = (length === 0 ? doc.contents : doc.getIn(prefix, true)) as Node | null | undefined;
    // Point at the key of a map entry when there is one (the value of `steps.train:` is on the next line).
    const parent = length > 0 ? (doc.getIn(prefix.slice(0, -1), true) as unknown) : undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === prefix[prefix.length - 1]);
      const key = pair?.key as Node | undefined;
      if (key?.range) return positionOf(lineCounter, key.range[0], path);
    }
    if (node && node.range) return positionOf(lineCounter, node.range[0], path);
  }
  return { line: 1, column: 1, field: path.join('.') };
}

function positionOf(lineCounter: LineCounter, offset: number, path: readonly (string | number)[]) {
  const position = lineCounter.linePos(offset);
  return { line: position.line, column: position.col, field: path.join('.') };
}

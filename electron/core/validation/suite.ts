/**
 * Validation suites: YAML parsed with the `yaml` package (keeping node ranges) and checked with zod, so that
 * every problem, whether YAML syntax, schema or meaning (a metric the model does not have), names the file,
 * the line and the field: `suite.yaml:7 checks[2].threshold: expected a number`. Also the default suite of
 * each task.
 */
import { isMap, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import type { SuiteProblem } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { supportedOpsets } from '../models/onnx-inspect.js';

const Text = z.string().trim().min(1);
const VersionOrAlias = z.union([Text, z.number().int().positive()]).transform(String);

const MetricCheck = z.object({ type: z.literal('metric'), metric: Text, threshold: z.number() }).strict();
const SliceCheck = z
  .object({
    type: z.literal('slice'),
    column: Text,
    metric: Text,
    threshold: z.number(),
    /** How many of the worst slices the report lists first. */
    worst: z.number().int().positive().default(5),
    /** Slices with fewer rows are listed but not held to the threshold. */
    minRows: z.number().int().nonnegative().default(1),
  })
  .strict();
const RegressionCheck = z
  .object({
    type: z.literal('regression'),
    metric: Text,
    tolerance: z.number().nonnegative(),
    baseline: VersionOrAlias.optional(),
  })
  .strict();
const LatencyCheck = z
  .object({
    type: z.literal('latency'),
    p95Ms: z.number().positive(),
    runs: z.number().int().min(20).max(5000).default(200),
  })
  .strict();
const SchemaCheck = z.object({ type: z.literal('schema'), dataset: Text.optional() }).strict();
const DriftCheck = z
  .object({
    type: z.literal('drift'),
    /** The training data by default. */
    reference: Text.optional(),
    maxDriftShare: z.number().min(0).max(1).default(0.5),
    threshold: z.number().positive().optional(),
  })
  .strict();
const OnnxCheck = z
  .object({
    type: z.literal('onnx'),
    opsetMin: z.number().int().positive().default(supportedOpsets.min),
    opsetMax: z.number().int().positive().default(supportedOpsets.max),
  })
  .strict();

/** One check of a suite. */
export const SuiteCheck = z.discriminatedUnion('type', [
  MetricCheck,
  SliceCheck,
  RegressionCheck,
  LatencyCheck,
  SchemaCheck,
  DriftCheck,
  OnnxCheck,
]);
export type SuiteCheck = z.output<typeof SuiteCheck>;

/** A suite as its YAML holds it. */
export const Suite = z
  .object({
    name: Text,
    holdout: Text.optional(),
    baseline: VersionOrAlias.optional(),
    checks: z.array(SuiteCheck).min(1),
  })
  .strict();
export type Suite = z.output<typeof Suite>;

/** A parsed suite, and how to find the line of any of its fields. */
export interface ParsedSuite {
  suite: Suite;
  file: string;
  yaml: string;
  lineOf(path: readonly (string | number)[]): number | null;
}

/** Metrics a model of each task reports on a holdout (core/infer/worker/scoring-metrics.ts), and whether lower is better. */
export const taskMetrics = {
  classification: { accuracy: false, log_loss: true, precision: false, recall: false, f1: false },
  regression: { rmse: true, mae: true, r2: false },
} as const satisfies Record<string, Record<string, boolean>>;

/** True when a smaller value of `metric` is better (losses and errors). */
export function lowerIsBetter(metric: string): boolean {
  return metric === 'log_loss' || metric === 'rmse' || metric === 'mae';
}

/** `checks[2].threshold` from a path. */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(suite)';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_union':
      return 'type must be one of metric, slice, regression, latency, schema, drift, onnx';
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The line (1-based) of the node at `path`, or of its nearest existing parent. */
function lineFinder(document: Document, counter: LineCounter): (path: readonly (string | number)[]) => number | null {
  return (path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true)) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return counter.linePos(node.range[0]).line;
    }
    return null;
  };
}

/** Formats a problem as `file:line field: message`. */
export function formatProblem(file: string, problem: SuiteProblem): string {
  return `${file}${problem.line ? `:${problem.line}` : ''} ${problem.field}: ${problem.message}`;
}

/** A BAD_INPUT naming the first problem, with all of them in details. */
export function suiteError(file: string, problems: SuiteProblem[]): LatheError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new LatheError('BAD_INPUT', `${formatProblem(file, first)}${more}`, {
    file,
    line: first.line,
    field: first.field,
    problems,
  });
}

/** Parses and schema-checks a suite; returns the problems instead when there are any. */
export function parseSuite(yaml: string, file = 'suite.yaml'): ParsedSuite | { problems: SuiteProblem[] } {
  const counter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0)
    return {
      problems: document.errors.map((error) => ({
        line: error.linePos?.[0]?.line ?? counter.linePos(error.pos[0]).line,
        field: '(yaml)',
        message: error.message.replace(/\s*at line \d+, column \d+:?[\s\S]*$/, ''),
      })),
    };
  const lineOf = lineFinder(document, counter);
  if (!isMap(document.contents))
    return {
      problems: [{ line: lineOf([]) ?? 1, field: '(suite)', message: 'a suite is a mapping with name and checks' }],
    };
  const parsed = Suite.safeParse(document.toJS(), { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
      return { line: lineOf(path), field: fieldName(path), message: issueMessage(issue) };
    });
    return { problems: sortProblems(problems) };
  }
  return { suite: parsed.data, file, yaml, lineOf };
}

/** Problems in line order, so the first one reported is the first one in the file. */
export function sortProblems(problems: SuiteProblem[]): SuiteProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** The default suite of a task, as YAML text a person can edit. */
export function defaultSuiteYaml(task: 'classification' | 'regression' | null, binary: boolean): string {
  const metricChecks =
    task === 'classification'
      ? [
          '  - type: metric',
          '    metric: accuracy',
          '    threshold: 0.7',
          ...(binary ? ['  - type: metric', '    metric: f1', '    threshold: 0.6'] : []),
          '  # - type: regression  # needs a baseline (above, or --baseline)',
          '  #   metric: accuracy',
          '  #   tolerance: 0.02',
        ]
      : task === 'regression'
        ? [
            '  - type: metric',
            '    metric: r2',
            '    threshold: 0.5',
            '  # - type: regression  # needs a baseline (above, or --baseline)',
            '  #   metric: rmse',
            '  #   tolerance: 0.05',
          ]
        : [];
  return [
    `# Validation suite (lathe validate). Edit the thresholds; every check is documented in the README.`,
    `name: default-${task ?? 'model'}`,
    `# holdout: NAME@V     # the dataset version scored (or --holdout)`,
    `# baseline: production # a version number or alias the model must not regress against`,
    'checks:',
    ...metricChecks,
    ...(task ? ['  - type: schema', '  - type: drift', '    maxDriftShare: 0.5'] : []),
    '  - type: latency',
    '    p95Ms: 50',
    '  - type: onnx',
    `    opsetMin: ${supportedOpsets.min}`,
    `    opsetMax: ${supportedOpsets.max}`,
    '',
  ].join('\n');
}

/**
 * How each kind of check of a validation suite is measured and judged. Nothing here scores or tests on its
 * own: metrics come from the batch scoring the service ran (core/infer), latency from `measureLatency` on the
 * version's real ONNX Runtime session, drift from the drift worker's tests (core/drift), validity from the
 * ONNX inspector (core/models/onnx-inspect.ts), schema fit from the scoring path's own feed planner.
 */
import type { ValidationCheckResult, ValidationSlice } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { ModelService } from '../models/model-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import { measureLatency } from '../models/bench.js';
import { inspectOnnx } from '../models/onnx-inspect.js';
import { planFeeds } from '../infer/scoring.js';
import type { ScoringMetrics, SliceMetrics } from '../infer/predict-protocol.js';
import { runWorkerToEnd } from '../workers/run-worker.js';
import type { DriftWorkerReply, DriftWorkerRequest } from '../drift/drift-protocol.js';
import type { ResolvedDataset } from '../data/dataset-service.js';
import { formatNumber } from './html-report.js';
import { lowerIsBetter, type SuiteCheck } from './suite.js';
import type { ValidationPlan } from './validation-service.js';

/** What the service measured before the checks are judged. */
export interface Measurements {
  /** The candidate's metrics on the holdout (null without a holdout or a labeled row). */
  metrics: ScoringMetrics | null;
  /** Per-slice metrics by column. */
  slices: Map<string, { slices: SliceMetrics[]; truncated: boolean }>;
  /** Each baseline version's metrics on the holdout, by version id. */
  baselineMetrics: Map<string, ScoringMetrics | null>;
}

/** Services a check may use. */
export interface CheckServices {
  models: ModelService;
  objects: ObjectStore;
  /** Aborted when the validation is cancelled: the drift worker stops with it. */
  signal?: AbortSignal;
}

const latencyBudgetMs = 250;

/** A readable name of a check: `checks[0] metric accuracy ≥ 0.8`. */
export function checkName(index: number, check: SuiteCheck): string {
  const bound = (metric: string, threshold: number) => `${metric} ${lowerIsBetter(metric) ? '≤' : '≥'} ${threshold}`;
  switch (check.type) {
    case 'metric':
      return `checks[${index}] metric ${bound(check.metric, check.threshold)}`;
    case 'slice':
      return `checks[${index}] slice by ${check.column}: ${bound(check.metric, check.threshold)}`;
    case 'regression':
      return `checks[${index}] regression ${check.metric} within ${check.tolerance}`;
    case 'latency':
      return `checks[${index}] latency p95 ≤ ${check.p95Ms} ms`;
    case 'schema':
      return `checks[${index}] schema${check.dataset ? ` of ${check.dataset}` : ''}`;
    case 'drift':
      return `checks[${index}] drift share ≤ ${check.maxDriftShare}`;
    case 'onnx':
      return `checks[${index}] onnx opset ${check.opsetMin}–${check.opsetMax}`;
  }
}

/** True when `value` meets `threshold` in the metric's direction. */
export function meets(metric: string, value: number, threshold: number): boolean {
  return lowerIsBetter(metric) ? value <= threshold : value >= threshold;
}

/** Slices worst first (in the metric's direction), slices without a value last. */
export function worstFirst(metric: string, slices: ValidationSlice[]): ValidationSlice[] {
  const sign = lowerIsBetter(metric) ? -1 : 1;
  return [...slices].sort((a, b) => {
    if (a.metric === null || b.metric === null) return a.metric === null ? (b.metric === null ? 0 : 1) : -1;
    return sign * (a.metric - b.metric) || a.value.localeCompare(b.value);
  });
}

/** The kind of a dataset column as the scoring path sees it. */
function kindsOf(dataset: ResolvedDataset): Map<string, 'numeric' | 'text'> {
  return new Map(
    dataset.columns.map((column) => [
      column.name,
      column.type === 'integer' || column.type === 'float' || column.type === 'boolean' ? 'numeric' : 'text',
    ]),
  );
}

function label(dataset: ResolvedDataset): string {
  return `${dataset.name}@${dataset.version}`;
}

/** Measures and judges check `index`. */
export async function measureCheck(
  index: number,
  check: SuiteCheck,
  plan: ValidationPlan,
  measured: Measurements,
  services: CheckServices,
): Promise<ValidationCheckResult> {
  const base = { name: checkName(index, check), kind: check.type, skipped: false };
  const result = (passed: boolean, detail: string, value: number | null, bound: number | null) => ({
    ...base,
    passed,
    detail,
    measured: value,
    bound,
  });
  const holdout = plan.holdout ? label(plan.holdout) : '';
  switch (check.type) {
    case 'metric': {
      const value = measured.metrics?.metrics[check.metric];
      if (value === undefined)
        return result(
          false,
          `${plan.version.model} gave no ${check.metric} on ${holdout} (no labeled row, or no probabilities)`,
          null,
          check.threshold,
        );
      const passed = meets(check.metric, value, check.threshold);
      return result(
        passed,
        `${check.metric} ${formatNumber(value)} ${passed ? 'meets' : 'misses'} ${lowerIsBetter(check.metric) ? '≤' : '≥'} ${check.threshold} on ${holdout} (${measured.metrics!.labeledRows} labeled rows)`,
        value,
        check.threshold,
      );
    }
    case 'slice': {
      const found = measured.slices.get(check.column);
      const slices = worstFirst(
        check.metric,
        (found?.slices ?? []).map((slice) => {
          const value = slice.metrics[check.metric] ?? null;
          const held = slice.rows >= check.minRows && value !== null;
          return {
            value: slice.value,
            rows: slice.rows,
            metric: value,
            passed: !held || meets(check.metric, value, check.threshold),
          };
        }),
      );
      const held = slices.filter((slice) => slice.rows >= check.minRows && slice.metric !== null);
      const failing = held.filter((slice) => !slice.passed);
      const worst = slices
        .slice(0, check.worst)
        .map((slice) => `${slice.value} ${formatNumber(slice.metric)} (${slice.rows} rows)`)
        .join(', ');
      if (held.length === 0)
        return {
          ...result(
            false,
            `no slice of ${check.column} has ${check.minRows}+ labeled rows on ${holdout}`,
            null,
            check.threshold,
          ),
          slices,
        };
      return {
        ...result(
          failing.length === 0,
          `${failing.length} of ${held.length} slices of ${check.column} below ${check.threshold}; worst: ${worst}${found?.truncated ? ' (more than 1,000 values: the rest not tracked)' : ''}`,
          held[0]!.metric,
          check.threshold,
        ),
        slices,
      };
    }
    case 'regression': {
      const baseline = plan.baselines.get(index)!;
      const baselineRef = `${baseline.model}@${baseline.version}`;
      const candidate = measured.metrics?.metrics[check.metric];
      const before = measured.baselineMetrics.get(baseline.id)?.metrics[check.metric];
      if (candidate === undefined || before === undefined)
        return result(
          false,
          `no ${check.metric} for ${candidate === undefined ? 'the candidate' : baselineRef} on ${holdout}`,
          candidate ?? null,
          null,
        );
      const bound = lowerIsBetter(check.metric) ? before + check.tolerance : before - check.tolerance;
      const passed = meets(check.metric, candidate, bound);
      return result(
        passed,
        `${check.metric} ${formatNumber(candidate)} against ${formatNumber(before)} for the baseline ${baselineRef} (tolerance ${check.tolerance}): ${passed ? 'no regression' : 'regressed'}`,
        candidate,
        bound,
      );
    }
    case 'latency': {
      const session = await services.models.session(plan.version);
      // Latency only: the throughput loops of a full benchmark would cost seconds this check does not use.
      const latency = await measureLatency(session, plan.version.inputs, plan.version.featureSpecs, {
        latencyRuns: check.runs,
        budgetMs: latencyBudgetMs,
      });
      const p95 = latency.p95;
      return result(
        p95 <= check.p95Ms,
        `p95 ${formatNumber(p95)} ms at batch 1 (p50 ${formatNumber(latency.p50)} ms) on ONNX Runtime cpu; budget ${check.p95Ms} ms`,
        p95,
        check.p95Ms,
      );
    }
    case 'schema': {
      const dataset = plan.schemaDatasets.get(index)!;
      try {
        planFeeds(plan.version, kindsOf(dataset));
        const inputs = plan.version.features.length || plan.version.inputs.length;
        return result(
          true,
          `${label(dataset)} has every input of the model (${inputs} columns) with a usable type`,
          null,
          null,
        );
      } catch (error) {
        if (!(error instanceof LatheError)) throw error;
        return result(false, `${label(dataset)}: ${error.message}`, null, null);
      }
    }
    case 'drift': {
      const reference = plan.driftReferences.get(index)!;
      if ('skipped' in reference)
        return { ...result(true, reference.skipped, null, check.maxDriftShare), skipped: true };
      const current = plan.holdout!;
      const currentKinds = kindsOf(current);
      const target = plan.version.target;
      const candidates = plan.version.features.length
        ? plan.version.features
        : reference.dataset.columns.map((column) => column.name).filter((name) => name !== target);
      const columns = candidates.filter(
        (name) => currentKinds.has(name) && reference.dataset.columns.some((column) => column.name === name),
      );
      if (columns.length === 0)
        return result(
          false,
          `${label(reference.dataset)} and ${holdout} share no input column to test`,
          null,
          check.maxDriftShare,
        );
      const table = (dataset: ResolvedDataset) => ({
        path: dataset.path,
        format: dataset.format as DriftWorkerRequest['reference']['format'],
        sampleSize: dataset.readOptions.sampleSize,
        rows: dataset.rows,
        types: Object.fromEntries(dataset.columns.map((column) => [column.name, column.type])),
      });
      const reply = await runWorkerToEnd<DriftWorkerRequest, DriftWorkerReply>(
        'drift',
        {
          reference: table(reference.dataset),
          current: table(current),
          referenceRows: reference.dataset.rows,
          columns: columns.map((name) => ({ name, threshold: check.threshold })),
        },
        { signal: services.signal, what: 'the drift test of the validation' },
      );
      const tested = reply.columns.filter((column) => column.verdict === 'drift' || column.verdict === 'no_drift');
      const drifted = tested.filter((column) => column.verdict === 'drift');
      const share = tested.length ? drifted.length / tested.length : 0;
      return result(
        share <= check.maxDriftShare,
        `${drifted.length} of ${tested.length} input columns drift between ${label(reference.dataset)} and ${holdout}${drifted.length ? ` (${drifted.map((column) => `${column.column} ${column.test}`).join(', ')})` : ''}`,
        share,
        check.maxDriftShare,
      );
    }
    case 'onnx': {
      try {
        const bytes = await services.objects.read(plan.version.hash);
        const summary = inspectOnnx(bytes, `${plan.version.model}@${plan.version.version}`);
        await services.models.session(plan.version);
        const inRange = summary.opset >= check.opsetMin && summary.opset <= check.opsetMax;
        return result(
          inRange,
          `valid ONNX (IR ${summary.irVersion}, ${summary.nodes} nodes, loads in ONNX Runtime); opset ${summary.opset} ${inRange ? 'within' : 'outside'} ${check.opsetMin}–${check.opsetMax}`,
          summary.opset,
          check.opsetMax,
        );
      } catch (error) {
        if (!(error instanceof LatheError)) throw error;
        return result(false, error.message, null, check.opsetMax);
      }
    }
  }
}

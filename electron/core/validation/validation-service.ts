/**
 * Validation suites run on a model version (`core.validation`, issue 13): every check of the suite is planned
 * first (bad input, such as a metric the model does not report or a holdout without the target, is refused
 * before anything runs or is written), then measured with the code that already does each job: batch
 * scoring in the predict worker (metrics and per-slice metrics), ONNX Runtime's session (latency), the
 * drift worker's tests, the ONNX inspector. The report's JSON and HTML go to the object store and its row
 * and lineage edges to the database together. Alias gates live here too (see alias-gates.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ValidateOptions,
  type ModelVersion,
  type SuiteProblem,
  type ValidationCheckResult,
  type ValidationReport,
  type ValidationReportSummary,
  type ValidationVerdict,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { Db } from '../store/database.js';
import type { ObjectStore, StoredObject } from '../objects/object-store.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { ModelService } from '../models/model-service.js';
import type { DatasetService } from '../data/dataset-service.js';
import type { ResolvedDataset } from '../data/dataset-service.js';
import { unreferencedObjects } from '../objects/object-references.js';
import { CancelRegistry } from '../workers/cancel-registry.js';
import { cancelledError } from '../workers/run-worker.js';
import {
  defaultSuiteYaml,
  fieldName,
  parseSuite,
  sortProblems,
  suiteError,
  taskMetrics,
  type ParsedSuite,
  type SuiteCheck,
} from './suite.js';
import { measureCheck, type Measurements } from './checks.js';
import { renderValidationHtml } from './html-report.js';
import { AliasGates } from './alias-gates.js';

/** Everything a run needs, resolved and checked before any work. */
export interface ValidationPlan {
  version: ModelVersion;
  parsed: ParsedSuite;
  holdout: ResolvedDataset | null;
  /** The baseline version of each regression check (by check index). */
  baselines: Map<number, ModelVersion>;
  /** The reference dataset of each drift check (null: skipped, with why). */
  driftReferences: Map<number, { dataset: ResolvedDataset } | { skipped: string }>;
  /** The dataset of each schema check. */
  schemaDatasets: Map<number, ResolvedDataset>;
  /** Columns the holdout is sliced by. */
  sliceColumns: string[];
}

interface ReportRow {
  id: string;
  report_hash: string;
  html_hash: string;
  summary_json: string;
}

const needsHoldout = new Set<SuiteCheck['type']>(['metric', 'slice', 'regression', 'drift']);
const needsTarget = new Set<SuiteCheck['type']>(['metric', 'slice', 'regression']);

/** Validation suites, reports and alias gates. */
export class ValidationService {
  /** Alias gates (which aliases need a passing report). */
  readonly gates: AliasGates;
  /** Validations running now, by version ref, so `cancel` can stop them. */
  private readonly running = new CancelRegistry();

  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly models: ModelService,
    private readonly datasets: DatasetService,
    private readonly lineage: LineageService,
  ) {
    this.gates = new AliasGates(db, (versionId, suite) => this.latestSummary(versionId, suite));
    lineage.registerKind('validation_report', {
      prefix: 'validation',
      describe: (id) => {
        const row = this.db.prepare('SELECT summary_json FROM validation_reports WHERE id = ?').get(id) as
          { summary_json: string } | undefined;
        if (!row) return undefined;
        const summary = JSON.parse(row.summary_json) as ValidationReportSummary;
        return {
          label: `validation ${summary.model.ref} ${summary.passed ? 'passed' : 'failed'} (${summary.suite})`,
          // The model's name: the lineage page links the report to its model's page.
          name: summary.model.ref.slice(0, summary.model.ref.lastIndexOf('@')),
        };
      },
    });
  }

  /** The default suite of a version's task, as YAML. */
  defaultSuite(ref: string): { yaml: string } {
    const version = this.models.resolve(ref);
    return { yaml: defaultSuiteYaml(version.task, version.classes?.length === 2) };
  }

  /** Every problem of a suite for a version (syntax, schema, meaning), each at its line; empty when it can run. */
  checkSuite(
    ref: string,
    yaml: string,
    options: { holdout?: string; baseline?: string } = {},
    file = 'suite.yaml',
  ): SuiteProblem[] {
    const version = this.models.resolveScorable(ref);
    const parsed = parseSuite(yaml, file);
    if ('problems' in parsed) return parsed.problems;
    return this.planProblems(version, parsed, options).problems;
  }

  /** Resolves and checks everything a suite asks, collecting problems with their lines. */
  private planProblems(
    version: ModelVersion,
    parsed: ParsedSuite,
    options: { holdout?: string; baseline?: string },
  ): { problems: SuiteProblem[]; plan: ValidationPlan } {
    const { suite, lineOf } = parsed;
    const problems: SuiteProblem[] = [];
    // A flag (--holdout) is not in the file: it has no line.
    const at = (path: (string | number)[], message: string) =>
      problems.push({
        line: String(path[0]).startsWith('--') ? null : lineOf(path),
        field: fieldName(path),
        message,
      });
    const ref = `${version.model}@${version.version}`;
    const plan: ValidationPlan = {
      version,
      parsed,
      holdout: null,
      baselines: new Map(),
      driftReferences: new Map(),
      schemaDatasets: new Map(),
      sliceColumns: [],
    };
    const resolveDataset = (name: string, path: (string | number)[]): ResolvedDataset | null => {
      try {
        return this.datasets.resolve(name);
      } catch (error) {
        at(path, error instanceof LatheError ? error.message : String(error));
        return null;
      }
    };
    const holdoutRef = options.holdout ?? suite.holdout;
    const holdoutPath = options.holdout ? ['--holdout'] : ['holdout'];
    if (holdoutRef) plan.holdout = resolveDataset(holdoutRef, holdoutPath);
    const holdoutColumns = new Set(plan.holdout?.columns.map((column) => column.name) ?? []);
    const task = version.task;
    if (plan.holdout && version.target && suite.checks.some((check) => needsTarget.has(check.type))) {
      if (!holdoutColumns.has(version.target))
        at(
          holdoutPath,
          `${plan.holdout.name}@${plan.holdout.version} has no column "${version.target}", the target of ${ref} (columns: ${[...holdoutColumns].slice(0, 12).join(', ')})`,
        );
    }
    suite.checks.forEach((check, index) => {
      const path = ['checks', index];
      if (needsHoldout.has(check.type) && !holdoutRef)
        at(
          [...path, 'type'],
          `a ${check.type} check needs a holdout: add "holdout: NAME@V" to the suite or give --holdout`,
        );
      if (needsTarget.has(check.type) && (!task || !version.target)) {
        at(
          [...path, 'type'],
          `a ${check.type} check needs a model with a task and a target; ${ref} has none (imported without them)`,
        );
        return;
      }
      if ('metric' in check && task) {
        const known = Object.keys(taskMetrics[task]);
        if (!known.includes(check.metric))
          at([...path, 'metric'], `"${check.metric}" is not a metric of a ${task} model (one of: ${known.join(', ')})`);
        else if (['precision', 'recall', 'f1'].includes(check.metric) && (version.classes?.length ?? 0) !== 2)
          at(
            [...path, 'metric'],
            `"${check.metric}" is reported for two-class models only; ${ref} has ${version.classes?.length ?? 0} classes`,
          );
      }
      switch (check.type) {
        case 'slice':
          if (plan.holdout && !holdoutColumns.has(check.column))
            at(
              [...path, 'column'],
              `"${check.column}" is not a column of ${plan.holdout.name}@${plan.holdout.version} (columns: ${[...holdoutColumns].slice(0, 12).join(', ')})`,
            );
          else if (!plan.sliceColumns.includes(check.column)) plan.sliceColumns.push(check.column);
          break;
        case 'regression': {
          const baseline = check.baseline ?? options.baseline ?? suite.baseline;
          const baselinePath = check.baseline
            ? [...path, 'baseline']
            : options.baseline
              ? ['--baseline']
              : ['baseline'];
          if (!baseline) {
            at([...path, 'baseline'], 'a regression check needs a baseline: a version number or alias (or --baseline)');
            break;
          }
          try {
            plan.baselines.set(index, this.models.resolveScorable(`${version.model}@${baseline}`));
          } catch (error) {
            at(baselinePath, error instanceof LatheError ? error.message : String(error));
          }
          break;
        }
        case 'schema': {
          const dataset = check.dataset ? resolveDataset(check.dataset, [...path, 'dataset']) : plan.holdout;
          if (!check.dataset && !holdoutRef)
            at([...path, 'dataset'], 'a schema check needs a dataset version (dataset: NAME@V) or a holdout');
          if (dataset) plan.schemaDatasets.set(index, dataset);
          break;
        }
        case 'drift': {
          if (check.reference) {
            const dataset = resolveDataset(check.reference, [...path, 'reference']);
            if (dataset) plan.driftReferences.set(index, { dataset });
            break;
          }
          const trained = version.datasetVersionId
            ? this.lineage.describe({ kind: 'dataset_version', id: version.datasetVersionId })
            : null;
          if (trained?.name && trained.version)
            plan.driftReferences.set(index, { dataset: this.datasets.resolve(`${trained.name}@${trained.version}`) });
          else
            plan.driftReferences.set(index, {
              skipped: `${ref} has no recorded training dataset; give "reference: NAME@V" to test drift`,
            });
          break;
        }
        case 'onnx':
          if (check.opsetMin > check.opsetMax)
            at([...path, 'opsetMin'], `${check.opsetMin} is above opsetMax ${check.opsetMax}`);
          break;
        default:
          break;
      }
    });
    return { problems: sortProblems(problems), plan };
  }

  /**
   * Runs a suite on a version and stores the report. Bad input (the suite, the holdout, the baseline) is a
   * BAD_INPUT naming the file, line and field, and nothing is written.
   */
  async run(
    raw: ValidateOptions,
    onProgress?: (step: string, done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<ValidationReport> {
    const options = ValidateOptions.parse(raw);
    const version = this.models.resolveScorable(options.ref);
    const ref = `${version.model}@${version.version}`;
    return this.running.track(ref, (stop) => this.runChecked(options, version, ref, stop, onProgress), signal);
  }

  /**
   * Cancels the validations of a version that are running: each stops at its next step (a scoring or drift
   * worker is stopped) and stores nothing. Returns how many there were.
   */
  cancel(ref: string): { cancelled: number } {
    const version = this.models.resolve(ref);
    return { cancelled: this.running.cancel(`${version.model}@${version.version}`) };
  }

  private async runChecked(
    options: ValidateOptions,
    version: ModelVersion,
    ref: string,
    signal: AbortSignal,
    onProgress?: (step: string, done: number, total: number) => void,
  ): Promise<ValidationReport> {
    const started = performance.now();
    // Errors in the default suite name it as such (it is what `lathe validate suite M@V` prints).
    const file = options.suiteFile ?? (options.suite === undefined ? 'default-suite.yaml' : 'suite.yaml');
    const yaml = options.suite ?? this.defaultSuite(ref).yaml;
    const parsed = parseSuite(yaml, file);
    if ('problems' in parsed) throw suiteError(file, parsed.problems);
    const { problems, plan } = this.planProblems(version, parsed, options);
    if (problems.length > 0) throw suiteError(file, problems);

    const checks = parsed.suite.checks;
    const baselineVersions = [...new Map([...plan.baselines.values()].map((v) => [v.id, v])).values()];
    const total = checks.length + (plan.holdout ? 1 + baselineVersions.length : 0);
    let done = 0;
    const progress = (step: string) => {
      // Every step starts here: a cancelled validation stops before it.
      if (signal.aborted) throw cancelledError(`the validation of ${ref}`);
      onProgress?.(step, done, total);
      this.events.emit('validation.progress', { ref, step, done, total });
    };
    const folder = mkdtempSync(join(tmpdir(), 'lathe-validate-'));
    const measurements: Measurements = { metrics: null, slices: new Map(), baselineMetrics: new Map() };
    try {
      if (plan.holdout) {
        const holdoutLabel = `${plan.holdout.name}@${plan.holdout.version}`;
        progress(`scoring ${holdoutLabel} with ${ref}`);
        const scored = await this.models.predict(
          {
            ref,
            data: holdoutLabel,
            out: join(folder, 'candidate.parquet'),
            ...(plan.sliceColumns.length ? { sliceBy: plan.sliceColumns } : {}),
          },
          undefined,
          signal,
        );
        measurements.metrics = scored.evaluation;
        for (const slice of scored.slices ?? []) measurements.slices.set(slice.column, slice);
        done++;
        for (const baseline of baselineVersions) {
          const baselineRef = `${baseline.model}@${baseline.version}`;
          progress(`scoring ${holdoutLabel} with the baseline ${baselineRef}`);
          // The candidate's target names the label: a baseline trained under another target is still compared on it.
          const result = await this.models.predict(
            {
              ref: baselineRef,
              data: holdoutLabel,
              out: join(folder, `baseline-${baseline.id}.parquet`),
              label: version.target ?? undefined,
            },
            undefined,
            signal,
          );
          measurements.baselineMetrics.set(baseline.id, result.evaluation);
          done++;
        }
      }
      const results: ValidationCheckResult[] = [];
      for (const [index, check] of checks.entries()) {
        progress(`checks[${index}] ${check.type}`);
        results.push(
          await measureCheck(index, check, plan, measurements, { models: this.models, objects: this.objects, signal }),
        );
        done++;
      }
      progress('storing the report');
      const report: ValidationReport = {
        id: randomUUID(),
        createdAt: Date.now(),
        model: { ref, versionId: version.id, task: version.task },
        suite: { name: parsed.suite.name, file, yaml },
        holdout: plan.holdout
          ? {
              label: `${plan.holdout.name}@${plan.holdout.version}`,
              datasetVersionId: plan.holdout.versionId,
              rows: plan.holdout.rows,
            }
          : null,
        baseline: baselineVersions[0]
          ? { ref: `${baselineVersions[0].model}@${baselineVersions[0].version}`, versionId: baselineVersions[0].id }
          : null,
        passed: results.every((result) => result.passed),
        checks: results,
        metrics: measurements.metrics?.metrics ?? {},
        seconds: (performance.now() - started) / 1000,
      };
      await this.store(report, baselineVersions);
      this.events.emit('validation.changed', { id: report.id, ref, change: 'created' });
      return report;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** Stores the report's JSON and HTML objects and its row and lineage in one step: all of it or none. */
  private async store(report: ValidationReport, baselines: ModelVersion[]): Promise<void> {
    const lease = this.objects.lease();
    const stored: StoredObject[] = [];
    try {
      stored.push(await this.objects.putBytes(JSON.stringify(report), lease));
      stored.push(await this.objects.putBytes(renderValidationHtml(report), lease));
      const [json, html] = stored as [StoredObject, StoredObject];
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO validation_reports (id, model_version_id, created_at, suite, passed, report_hash, html_hash, summary_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            report.id,
            report.model.versionId,
            report.createdAt,
            report.suite.name,
            report.passed ? 1 : 0,
            json.hash,
            html.hash,
            JSON.stringify(summaryOf(report)),
          );
        const to = { kind: 'validation_report', id: report.id };
        this.lineage.add({ kind: 'model_version', id: report.model.versionId }, to, 'validated', report.createdAt);
        if (report.holdout)
          this.lineage.add(
            { kind: 'dataset_version', id: report.holdout.datasetVersionId },
            to,
            'holdout',
            report.createdAt,
          );
        for (const baseline of baselines)
          this.lineage.add({ kind: 'model_version', id: baseline.id }, to, 'baseline', report.createdAt);
      })();
    } catch (error) {
      const created = stored.filter((object) => object.created).map((object) => object.hash);
      for (const hash of unreferencedObjects(this.db, created)) this.objects.remove(hash);
      throw error;
    } finally {
      lease.release();
    }
  }

  /** The reports of a version, newest first. */
  list(ref: string): ValidationReportSummary[] {
    const version = this.models.resolve(ref);
    return this.db
      .prepare<[string], { summary_json: string }>(
        'SELECT summary_json FROM validation_reports WHERE model_version_id = ? ORDER BY created_at DESC, rowid DESC',
      )
      .all(version.id)
      .map((row) => JSON.parse(row.summary_json) as ValidationReportSummary);
  }

  private row(id: string): ReportRow {
    const rows = this.db
      .prepare<[string, string], ReportRow>(
        'SELECT id, report_hash, html_hash, summary_json FROM validation_reports WHERE id = ? OR id LIKE ? LIMIT 3',
      )
      .all(id, `${id.replace(/[%_]/g, '')}%`);
    const exact = rows.find((row) => row.id === id);
    if (exact || rows.length === 1) return exact ?? rows[0]!;
    if (rows.length > 1)
      throw new LatheError('BAD_INPUT', `"${id}" starts several validation reports; give more of the id`, { id });
    throw new LatheError('NOT_FOUND', `No validation report "${id}" (lathe validate list M@V shows them)`, { id });
  }

  /** One stored report, by id or a unique prefix of it. */
  get(id: string): ValidationReport {
    const row = this.row(id);
    return JSON.parse(readFileSync(this.objects.checkedPath(row.report_hash), 'utf8')) as ValidationReport;
  }

  /** The stored standalone HTML of a report. */
  html(id: string): { fileName: string; html: string } {
    const row = this.row(id);
    return {
      fileName: `validation-${row.id.slice(0, 8)}.html`,
      html: readFileSync(this.objects.checkedPath(row.html_hash), 'utf8'),
    };
  }

  private latestSummary(versionId: string, suite: string | null): ValidationReportSummary | null {
    const row = this.db
      .prepare<[string, string | null, string | null], { summary_json: string }>(
        `SELECT summary_json FROM validation_reports WHERE model_version_id = ? AND (? IS NULL OR suite = ?)
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .get(versionId, suite, suite);
    return row ? (JSON.parse(row.summary_json) as ValidationReportSummary) : null;
  }

  /** The newest report's verdict on a version (for bundles' manifests); null when it was never validated. */
  latestVerdict(modelVersionId: string): ValidationVerdict | null {
    const summary = this.latestSummary(modelVersionId, null);
    if (!summary) return null;
    const report = this.get(summary.id);
    return {
      reportId: report.id,
      suite: report.suite.name,
      passed: report.passed,
      createdAt: report.createdAt,
      checks: report.checks.map(({ name, passed, detail }) => ({ name, passed, detail })),
    };
  }
}

function summaryOf(report: ValidationReport): ValidationReportSummary {
  return {
    id: report.id,
    createdAt: report.createdAt,
    model: report.model,
    holdout: report.holdout,
    baseline: report.baseline,
    passed: report.passed,
    suite: report.suite.name,
    checksPassed: report.checks.filter((check) => check.passed).length,
    checksTotal: report.checks.length,
  };
}

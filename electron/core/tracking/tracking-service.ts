/**
 * Tracking: runs of experiments with params (set once), tags, metrics (appended points) and artifacts
 * (objects in the content-addressed store under run-relative paths). A thin front over its three rooms:
 * `runs` (runs.ts: lifecycle, params, tags, inputs, search), `metrics` (metric-store.ts: write, tiles,
 * history, LTTB) and `artifacts` (run-artifacts.ts: put, list, preview, object cleanup). It only does
 * what spans rooms in one transaction (log-batch, purge); the MLflow API, the contract handlers, the CLI
 * and training all come through it or straight to a room.
 */
import type { Readable } from 'node:stream';
import type { ArtifactEntry, MetricPoint, Run, RunDetail, RunStatus } from '../../../shared/contract/index.js';
import type { EventBus } from '../events.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { MetricStore } from './metric-store.js';
import { RunArtifacts } from './run-artifacts.js';
import { RunStore, type SearchOptions } from './runs.js';
import type { DatasetInput, MetricInput } from './tracking-rules.js';

export { checkKey, jsonValue, trackingLimits, type DatasetInput, type MetricInput } from './tracking-rules.js';
export type { SearchOptions } from './runs.js';

/** Runs, their data and their artifacts. */
export class TrackingService {
  /** Runs: lifecycle, params, tags, inputs, search. */
  readonly runs: RunStore;
  /** Metric points: write, tiles, history. */
  readonly metrics: MetricStore;
  /** Artifacts: objects under run-relative paths. */
  readonly artifacts: RunArtifacts;

  constructor(
    private readonly db: Db,
    objects: ObjectStore,
    private readonly events: EventBus,
  ) {
    this.runs = new RunStore(db, events);
    this.metrics = new MetricStore(db, events, this.runs);
    this.artifacts = new RunArtifacts(db, objects, this.runs);
  }

  // ---- runs -------------------------------------------------------------------------------------

  /** Starts a run in an active experiment. A run without a name gets a random one (and the mlflow.runName tag). */
  createRun(input: Parameters<RunStore['createRun']>[0]): Run {
    return this.runs.createRun(input);
  }

  /** One run; NOT_FOUND when there is none. */
  getRun(runId: string): Run {
    return this.runs.getRun(runId);
  }

  /** One run with its params, tags and latest metrics. */
  getRunDetail(runId: string): RunDetail {
    return this.runs.getRunDetail(runId);
  }

  /** Sets status, end time or name (MLflow's runs/update). */
  updateRun(runId: string, changes: { status?: RunStatus; endTime?: number | null; name?: string }): Run {
    return this.runs.updateRun(runId, changes);
  }

  /** Ends a run with a terminal status and the current time. */
  endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Run {
    return this.runs.endRun(runId, status);
  }

  /** Ids of the runs still RUNNING that carry every one of these tags. */
  runningRunsTagged(tags: Record<string, string>): string[] {
    return this.runs.runningRunsTagged(tags);
  }

  /** Marks runs deleted (MLflow's soft delete; restorable). */
  deleteRun(runId: string): Run {
    return this.runs.deleteRun(runId);
  }

  /** Brings a soft-deleted run back. */
  restoreRun(runId: string): Run {
    return this.runs.restoreRun(runId);
  }

  /** Deletes runs for good: their rows, metrics and artifacts, then the objects nothing references any more. */
  purgeRuns(runIds: readonly string[]): { runs: number; objectsRemoved: number; bytesFreed: number } {
    const rows = runIds.map((id) => this.runs.row(id));
    const hashes: string[] = [];
    this.db.transaction(() => {
      for (const row of rows) {
        hashes.push(...this.artifacts.hashesOf(row));
        this.metrics.removeRun(row);
      }
      this.runs.removeRows(rows);
    })();
    const { removed, bytes } = this.artifacts.removeUnreferenced(hashes);
    const byExperiment = new Map<number, string[]>();
    for (const row of rows)
      byExperiment.set(row.experiment_id, [...(byExperiment.get(row.experiment_id) ?? []), row.id]);
    for (const [experimentId, ids] of byExperiment)
      this.events.emit('runs.changed', { experimentId: String(experimentId), runIds: ids, change: 'purged' });
    return { runs: rows.length, objectsRemoved: removed, bytesFreed: bytes };
  }

  // ---- params, tags, metrics ---------------------------------------------------------------------

  /** Logs params; a key logged again with a different value is BAD_INPUT (params never change once set). */
  logParams(runId: string, params: Record<string, string>): void {
    this.logBatch(runId, { params: Object.entries(params).map(([key, value]) => ({ key, value })) });
  }

  /** Sets (or overwrites) tags. */
  setTags(runId: string, tags: Record<string, string>): void {
    this.logBatch(runId, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  }

  /** Removes a tag; NOT_FOUND when the run has no such tag. */
  deleteTag(runId: string, key: string): void {
    this.runs.deleteTag(runId, key);
  }

  /** Appends metric points (one transaction). NaN and ±Infinity are stored as such. */
  logMetrics(runId: string, points: readonly MetricInput[]): void {
    this.metrics.log(runId, points);
  }

  /** Logs metrics, params and tags in one transaction: all of it is stored, or none. */
  logBatch(
    runId: string,
    batch: {
      metrics?: readonly MetricInput[];
      params?: readonly { key: string; value: string }[];
      tags?: readonly { key: string; value: string }[];
    },
  ): void {
    const row = this.runs.activeRow(runId);
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    this.metrics.check(metrics);
    const checked = this.runs.checkData(params, tags);
    this.db.transaction(() => {
      this.runs.writeData(row, checked.params, checked.tags);
      if (metrics.length) this.metrics.write(row.key, metrics);
    })();
    if (metrics.length) this.metrics.logged(row);
    if (params.length || tags.length) this.runs.changed(row, 'updated');
  }

  /** Records datasets a run used (MLflow's log-inputs); the same name and digest are recorded once. */
  logInputs(runId: string, datasets: readonly DatasetInput[], modelIds: readonly string[] = []): void {
    this.runs.logInputs(runId, datasets, modelIds);
  }

  /** Logged models a run used (MLflow 3 LogInputs.models). */
  modelInputs(runId: string): string[] {
    return this.runs.modelInputs(runId);
  }

  /** Datasets a run used. */
  inputs(runId: string): DatasetInput[] {
    return this.runs.inputs(runId);
  }

  // ---- reading metrics ---------------------------------------------------------------------------

  /** Every point of a series in step order, a page at a time (MLflow's get-history). */
  metricPage(
    runId: string,
    key: string,
    options: { pageToken?: string; maxResults?: number } = {},
  ): ReturnType<MetricStore['metricPage']> {
    return this.metrics.metricPage(runId, key, options);
  }

  /** A series ready to draw: every point when short, otherwise at most `maxPoints` chosen by MinMaxLTTB. */
  metricHistory(
    runId: string,
    key: string,
    options: { maxPoints?: number; xAxis?: 'step' | 'time' } = {},
  ): { key: string; total: number; downsampled: boolean; points: MetricPoint[] } {
    return this.metrics.metricHistory(runId, key, options);
  }

  /** Mean ± std of a metric per step across runs grouped by a param's value (the compare view's bands). */
  groupedHistory(
    runIds: readonly string[],
    key: string,
    groupBy: string,
    maxPoints = 1000,
  ): ReturnType<MetricStore['groupedHistory']> {
    return this.metrics.groupedHistory(runIds, key, groupBy, maxPoints);
  }

  // ---- search ------------------------------------------------------------------------------------

  /** Searches runs with MLflow's filter syntax, order_by, max_results and page_token. */
  searchRuns(options: SearchOptions): { runs: RunDetail[]; nextPageToken?: string; total?: number } {
    return this.runs.searchRuns(options);
  }

  /** Every param, metric and tag key used by runs of these experiments. */
  keys(experimentIds: readonly string[]): { params: string[]; metrics: string[]; tags: string[] } {
    return this.runs.keys(experimentIds);
  }

  // ---- artifacts ---------------------------------------------------------------------------------

  /** Stores bytes as an artifact of a run at a run-relative path (replacing what was there). */
  async logArtifactBytes(runId: string, relativePath: string, bytes: Uint8Array): Promise<void> {
    await this.artifacts.logArtifactBytes(runId, relativePath, bytes);
  }

  /** Copies a local file into the store as an artifact of a run. Only the core calls this (never a client). */
  async logArtifactFile(runId: string, relativePath: string, filePath: string): Promise<void> {
    await this.artifacts.logArtifactFile(runId, relativePath, filePath);
  }

  /** Stores a stream as an artifact: the object first, then the row; a failed row leaves no orphan. */
  logArtifactStream(runId: string, relativePath: string, source: Readable): Promise<{ path: string; size: number }> {
    return this.artifacts.logArtifactStream(runId, relativePath, source);
  }

  /** The entries directly under a run-relative directory ('' for the root). */
  listArtifacts(runId: string, directory = ''): ArtifactEntry[] {
    return this.artifacts.listArtifacts(runId, directory);
  }

  /** The stored object behind an artifact file; NOT_FOUND when there is no such file. */
  artifact(runId: string, relativePath: string): { hash: string; size: number; path: string } {
    return this.artifacts.artifact(runId, relativePath);
  }

  /** True when `relativePath` is a directory of the run's artifacts. */
  isArtifactDirectory(runId: string, relativePath: string): boolean {
    return this.artifacts.isArtifactDirectory(runId, relativePath);
  }

  /** The head of an artifact for a preview, and what kind of preview fits it. */
  artifactPreview(runId: string, relativePath: string, maxBytes?: number): ReturnType<RunArtifacts['artifactPreview']> {
    return this.artifacts.artifactPreview(runId, relativePath, maxBytes);
  }

  /** Stops the pending event timer. */
  dispose(): void {
    this.metrics.dispose();
  }
}

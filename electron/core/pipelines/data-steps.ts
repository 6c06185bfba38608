/**
 * The data steps of a pipeline: `ingest` (a file → a dataset version) and `validate-data` (its schema and a
 * drift gate against a reference).
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { LatheError } from '../../../shared/errors.js';
import { DataRef, datasetProduced, handler, throwIfAborted } from './step-handler.js';

export const ingest = handler({
  settings: z
    .object({
      /** The dataset the file becomes a version of. */
      dataset: z.string().min(1),
      /** The file (usually `${{ trigger.file }}`). */
      file: z.string().min(1),
      message: z.string().optional(),
    })
    .strict(),
  fingerprint: (settings) => {
    // The same path with other bytes is another input: size and modification time tell them apart.
    try {
      const stat = statSync(settings.file);
      return { size: stat.size, mtime: stat.mtimeMs };
    } catch {
      return { missing: true };
    }
  },
  run: async (settings, context) => {
    let size: number;
    try {
      size = statSync(settings.file).size;
    } catch {
      throw new LatheError(
        'NOT_FOUND',
        `${settings.file} is gone: it was removed or renamed before it could be ingested`,
        {
          file: settings.file,
        },
      );
    }
    context.log(`adding ${settings.file} (${size} bytes) to ${settings.dataset}`);
    const added = await context.services.datasets
      .add({
        path: settings.file,
        name: settings.dataset,
        message: settings.message ?? `pipeline run ${context.runId}`,
      })
      .catch((error: unknown) => {
        // A file that vanished mid-read reaches us as a read error: say so plainly.
        try {
          statSync(settings.file);
        } catch {
          throw new LatheError(
            'NOT_FOUND',
            `${settings.file} disappeared while it was being ingested; nothing was added`,
            {
              file: settings.file,
            },
          );
        }
        throw error;
      });
    context.log(
      added.deduplicated
        ? `same bytes as ${added.name}@${added.version}: nothing new added`
        : `${added.name}@${added.version}: ${added.rows} rows, ${added.columns} columns`,
    );
    return {
      outputs: {
        dataset: `${added.name}@${added.version}`,
        name: added.name,
        version: added.version,
        versionId: added.versionId,
        rows: added.rows,
        deduplicated: added.deduplicated,
        file: settings.file,
      },
      produced: [datasetProduced(added.versionId, added.name, added.version)],
    };
  },
});

export const validateData = handler({
  settings: z
    .object({
      data: DataRef,
      /** A reference version whose columns and types the data must have, and against which drift is measured. */
      reference: DataRef.optional(),
      /** Columns that must be there. */
      columns: z.array(z.string().min(1)).default([]),
      /** The drift gate: fail when at least this share of columns drifts from the reference. */
      maxDriftShare: z.number().gt(0).max(1).optional(),
    })
    .strict(),
  fingerprint: (settings, services) => ({
    data: services.datasets.resolve(settings.data).versionId,
    reference: settings.reference ? services.datasets.resolve(settings.reference).versionId : null,
  }),
  run: async (settings, context) => {
    const { datasets, drift } = context.services;
    const data = datasets.resolve(settings.data);
    const label = `${data.name}@${data.version}`;
    const columns = new Map(data.columns.map((c) => [c.name, c.type]));
    const problems: string[] = [];
    for (const column of settings.columns) if (!columns.has(column)) problems.push(`column "${column}" is missing`);
    let driftShare: number | null = null;
    let drifted: string[] = [];
    let report: string | null = null;
    if (settings.reference) {
      const reference = datasets.resolve(settings.reference);
      for (const column of reference.columns) {
        const type = columns.get(column.name);
        if (type === undefined) problems.push(`column "${column.name}" of the reference is missing`);
        else if (type !== column.type)
          problems.push(`column "${column.name}" is ${type}, the reference has ${column.type}`);
      }
      if (problems.length === 0 && settings.maxDriftShare !== undefined) {
        throwIfAborted(context.signal);
        const result = await drift.run({
          reference: `${reference.name}@${reference.version}`,
          current: label,
        });
        driftShare = result.driftShare;
        drifted = result.columns.filter((c) => c.verdict === 'drift').map((c) => c.column);
        report = result.id;
        context.log(`drift share ${driftShare.toFixed(3)} (${drifted.join(', ') || 'no column drifted'})`);
        if (driftShare >= settings.maxDriftShare)
          problems.push(
            `drift share ${driftShare.toFixed(3)} reaches the gate ${settings.maxDriftShare} (${drifted.join(', ')})`,
          );
      }
    }
    if (problems.length > 0)
      throw new LatheError('BAD_INPUT', `${label} failed its checks: ${problems.join('; ')}`, { problems });
    context.log(`${label}: schema checks passed`);
    return {
      outputs: { data: label, passed: true, driftShare, drifted: drifted.length > 0, driftedColumns: drifted, report },
      produced: report ? [{ kind: 'drift_report', id: report, label: `drift report ${report.slice(0, 8)}` }] : [],
    };
  },
});

/**
 * The release steps: `validate` (a validation suite on a version) and `export` (a deployable bundle).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { LatheError } from '../../../shared/errors.js';
import type { Produced } from './pipeline-store.js';
import { DataRef, handler, throwIfAborted, type StepResult } from './step-handler.js';

export const validate = handler({
  settings: z
    .object({
      model: z.string().min(1),
      /** The suite's YAML text (the model's default suite when neither this nor suiteFile is given). */
      suite: z.string().min(1).optional(),
      /** A suite file, read when the step runs (named in errors). */
      suiteFile: z.string().min(1).optional(),
      holdout: DataRef.optional(),
      baseline: z.string().min(1).optional(),
      /** Fail the step (and so the run) when the suite fails; otherwise `passed` is an output for a gate. */
      required: z.boolean().default(true),
    })
    .strict()
    .refine((s) => !(s.suite && s.suiteFile), 'give suite or suiteFile, not both'),
  fingerprint: (settings, services) => ({
    model: services.models.resolve(settings.model).id,
    holdout: settings.holdout ? services.datasets.resolve(settings.holdout).versionId : null,
    suiteFile: settings.suiteFile ? readSuite(settings.suiteFile) : null,
  }),
  run: async (settings, context) => {
    throwIfAborted(context.signal);
    const report = await context.services.validation.run(
      {
        ref: settings.model,
        suite: settings.suiteFile ? readSuite(settings.suiteFile) : settings.suite,
        suiteFile: settings.suiteFile,
        holdout: settings.holdout,
        baseline: settings.baseline,
      },
      undefined,
      context.signal,
    );
    const failed = report.checks.filter((c) => !c.passed);
    for (const check of report.checks)
      context.log(`${check.passed ? 'pass' : 'FAIL'} ${check.name}`, check.passed ? 'info' : 'warn');
    const produced: Produced[] = [
      { kind: 'validation_report', id: report.id, label: `validation ${report.suite.name} of ${report.model.ref}` },
    ];
    if (!report.passed && settings.required)
      throw new LatheError(
        'CONFLICT',
        `${report.model.ref} failed validation suite ${report.suite.name}: ${failed.map((c) => c.name).join(', ')} (report ${report.id})`,
        { report: report.id },
      );
    return { outputs: { passed: report.passed, report: report.id, model: report.model.ref }, produced };
  },
});

function readSuite(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new LatheError('NOT_FOUND', `the suite file ${path} cannot be read: ${(error as Error).message}`, {
      file: path,
    });
  }
}

export const exportBundle = handler({
  settings: z
    .object({
      model: z.string().min(1),
      target: z.enum(['server', 'lambda', 'gcf']),
      /** A new folder or .zip (use `${{ run.id }}` to make one per run); absolute, as no working folder is meant. */
      out: z.string().min(1).refine(isAbsolute, 'out must be an absolute path'),
      golden: z.string().min(1).optional(),
    })
    .strict(),
  fingerprint: (settings, services) => ({ model: services.models.resolve(settings.model).id }),
  recover: (checkpoint, context) => {
    // An export the crash interrupted after it was recorded: adopt it.
    if (typeof checkpoint.model !== 'string' || typeof checkpoint.out !== 'string') return undefined;
    const found = context.services.bundles.list(checkpoint.model).find((b) => b.out === checkpoint.out);
    return found ? bundleResult(found) : undefined;
  },
  run: async (settings, context) => {
    throwIfAborted(context.signal);
    context.checkpoint({ model: settings.model, out: resolve(settings.out) });
    const made = await context.services.bundles.export(
      { ref: settings.model, target: settings.target, out: settings.out, golden: settings.golden },
      (progress) => context.log(`${progress.phase}: ${progress.detail}`),
    );
    context.log(`${made.target} bundle of ${made.ref} at ${made.out} (sha256 ${made.sha256.slice(0, 12)})`);
    return bundleResult(made);
  },
});

function bundleResult(made: { id: string; ref: string; target: string; out: string }): StepResult {
  return {
    outputs: { bundle: made.id, path: made.out, target: made.target },
    produced: [{ kind: 'bundle', id: made.id, label: `${made.target} bundle of ${made.ref}` }],
  };
}

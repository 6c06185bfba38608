/**
 * The watching steps: `monitor` (score a new batch, drift, estimated performance, alerts) and `notify`.
 */
import { z } from 'zod';
import { LatheError } from '../../../shared/errors.js';
import { handler, throwIfAborted } from './step-handler.js';

export const monitor = handler({
  settings: z
    .object({
      monitor: z.string().min(1),
      /** Creates the monitor on first use when it does not exist (the fields of `lathe monitor create`). */
      create: z.record(z.string(), z.unknown()).optional(),
      /** Fail the step when the run raises an alert (otherwise alerts are outputs and events). */
      failOnAlert: z.boolean().default(false),
    })
    .strict(),
  fingerprint: (settings, services, runId) => {
    // A monitor over a dataset stream sees new data as new versions: the newest one is part of the input.
    try {
      const shown = services.monitors.show(settings.monitor).monitor;
      const stream = shown.config.stream;
      return stream.kind === 'dataset' ? { latest: services.datasets.resolve(stream.dataset).versionId } : { runId };
    } catch {
      return { runId };
    }
  },
  run: async (settings, context) => {
    const { monitors } = context.services;
    const exists = monitors.list().some((m) => m.name === settings.monitor);
    if (!exists) {
      if (!settings.create)
        throw new LatheError('NOT_FOUND', `No monitor named "${settings.monitor}" (give create: to make it)`);
      monitors.create({ name: settings.monitor, ...settings.create });
      context.log(`created monitor ${settings.monitor}`);
    }
    throwIfAborted(context.signal);
    const run = await monitors.run(settings.monitor);
    const alerts = run.windows.flatMap((w) => w.alerts.map((kind) => `${w.label}: ${kind}`));
    const last = run.windows[run.windows.length - 1];
    context.log(
      `${run.windows.length} windows; ${alerts.length ? `alerts: ${alerts.join(', ')}` : 'no alert'}`,
      alerts.length ? 'warn' : 'info',
    );
    if (settings.failOnAlert && alerts.length > 0)
      throw new LatheError(
        'CONFLICT',
        `monitor ${settings.monitor} raised ${alerts.length} alerts: ${alerts.join(', ')}`,
      );
    return {
      outputs: {
        monitor: settings.monitor,
        run: run.id,
        alerts: alerts.length,
        drift: run.windows.some((w) => w.alerts.includes('drift')),
        driftShare: last?.driftShare ?? null,
        estimatedAccuracy: last?.estimatedAccuracy ?? null,
      },
      produced: [
        { kind: 'monitor', id: monitors.show(settings.monitor).monitor.id, label: `monitor ${settings.monitor}` },
      ],
    };
  },
});

export const notify = handler({
  settings: z
    .object({ message: z.string().min(1).max(2000), level: z.enum(['info', 'warn', 'error']).default('info') })
    .strict(),
  // Once per run: a resumed run does not notify again.
  fingerprint: (_settings, _services, runId) => ({ run: runId }),
  run: async (settings, context) => {
    context.services.notify(settings.message, settings.level);
    context.log(settings.message, settings.level);
    return { outputs: { message: settings.message }, produced: [] };
  },
});

/**
 * The steps that judge and move models: `evaluate` (a challenger against the champion on a holdout), `gate`
 * (a condition on earlier outputs) and `promote` (move an alias, through the registry and its gates).
 */
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { LatheError } from '../../../shared/errors.js';
import { DataRef, handler, throwIfAborted } from './step-handler.js';

const lowerIsBetter = /rmse|mae|mse|loss|error/i;

export const evaluate = handler({
  settings: z
    .object({
      /** The challenger. */
      model: z.string().min(1),
      /** The holdout set (labelled). */
      data: DataRef,
      /** The alias of the model to beat. */
      against: z.string().min(1).default('champion'),
      metric: z.string().min(1).default('accuracy'),
      /** How much better the challenger must be. */
      margin: z.number().min(0).default(0),
      label: z.string().min(1).optional(),
    })
    .strict(),
  fingerprint: (settings, services) => {
    const model = services.models.resolve(settings.model);
    let champion: string | null = null;
    try {
      champion = services.models.resolve(`${model.model}@${settings.against}`).id;
    } catch {
      champion = null;
    }
    return { champion, data: services.datasets.resolve(settings.data).versionId };
  },
  run: async (settings, context) => {
    const { models } = context.services;
    const challenger = models.resolve(settings.model);
    let champion: { model: string; version: number } | null = null;
    try {
      champion = models.resolve(`${challenger.model}@${settings.against}`);
    } catch {
      champion = null;
    }
    const score = async (ref: string): Promise<number> => {
      throwIfAborted(context.signal);
      const out = `${context.services.tempPath('evaluate')}.csv`;
      try {
        const result = await models.predict(
          { ref, data: settings.data, out, label: settings.label },
          undefined,
          context.signal,
        );
        const value = result.evaluation?.metrics[settings.metric];
        if (value === undefined)
          throw new LatheError(
            'BAD_INPUT',
            `${ref} on ${settings.data}: no metric "${settings.metric}" (${result.evaluation ? `has ${Object.keys(result.evaluation.metrics).join(', ')}` : 'the data has no label column'})`,
          );
        return value;
      } finally {
        rmSync(out, { force: true });
      }
    };
    const challengerRef = `${challenger.model}@${challenger.version}`;
    const value = await score(challengerRef);
    context.log(`${challengerRef}: ${settings.metric} ${value.toFixed(4)} on ${settings.data}`);
    let championValue: number | null = null;
    let better = true;
    if (champion && champion.version !== challenger.version) {
      const championRef = `${champion.model}@${champion.version}`;
      championValue = await score(championRef);
      context.log(`${settings.against} ${championRef}: ${settings.metric} ${championValue.toFixed(4)}`);
      better = lowerIsBetter.test(settings.metric)
        ? value < championValue - settings.margin
        : value > championValue + settings.margin;
    } else if (champion) {
      better = false;
      context.log(`${challengerRef} already is the ${settings.against}`);
    } else context.log(`no ${settings.against} yet: the challenger wins by default`);
    context.log(better ? 'the challenger is better' : 'the challenger is not better');
    return {
      outputs: {
        model: challengerRef,
        champion: champion ? `${champion.model}@${champion.version}` : null,
        metric: settings.metric,
        score: value,
        championScore: championValue,
        better,
      },
      produced: [],
    };
  },
});

const Comparison = z
  .object({
    value: z.unknown(),
    op: z.enum(['==', '!=', '>', '>=', '<', '<=']),
    than: z.unknown(),
  })
  .strict();

export const gate = handler({
  settings: z
    .object({
      /** Opens when truthy (a boolean output such as `${{ steps.evaluate.outputs.better }}`). */
      condition: z.unknown().optional(),
      /** Opens when every comparison holds. */
      all: z.array(Comparison).default([]),
    })
    .strict()
    .refine((s) => s.condition !== undefined || s.all.length > 0, 'a gate needs a condition or comparisons in all'),
  // Decided again in every run (cheap, no side effect), so each run's page shows its own gate.
  fingerprint: (_settings, _services, runId) => ({ run: runId }),
  run: async (settings, context) => {
    const reasons: string[] = [];
    if (settings.condition !== undefined && !settings.condition)
      reasons.push(`condition is ${JSON.stringify(settings.condition)}`);
    for (const c of settings.all) {
      if (!compare(c.value, c.op, c.than))
        reasons.push(`${JSON.stringify(c.value)} ${c.op} ${JSON.stringify(c.than)} is false`);
    }
    const open = reasons.length === 0;
    const reason = open ? 'every condition holds' : reasons.join('; ');
    context.log(open ? `open: ${reason}` : `closed: ${reason}; the steps after it are skipped`);
    return { outputs: { open, reason }, produced: [] };
  },
});

function compare(value: unknown, op: z.infer<typeof Comparison>['op'], than: unknown): boolean {
  switch (op) {
    case '==':
      return value === than;
    case '!=':
      return value !== than;
    default: {
      const a = Number(value);
      const b = Number(than);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;
    }
  }
}

export const promote = handler({
  settings: z.object({ model: z.string().min(1), alias: z.string().min(1).default('champion') }).strict(),
  fingerprint: (settings, services) => {
    const version = services.models.resolve(settings.model);
    try {
      return { current: services.models.resolve(`${version.model}@${settings.alias}`).id };
    } catch {
      return { current: null };
    }
  },
  run: async (settings, context) => {
    const moved = context.services.registry.setAlias(settings.model, settings.alias, 'lathe pipeline');
    const ref = `${moved.model}@${moved.version}`;
    context.log(
      moved.previousVersion === null
        ? `${settings.alias} → ${ref}`
        : `${settings.alias}: ${moved.model}@${moved.previousVersion} → ${ref}`,
    );
    return {
      outputs: {
        model: ref,
        alias: settings.alias,
        previous: moved.previousVersion === null ? null : `${moved.model}@${moved.previousVersion}`,
      },
      produced: [],
    };
  },
});

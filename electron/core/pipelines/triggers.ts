/**
 * The triggers an executor listens to: cron schedules (cron-parser gives the next tick), new files in a
 * watched folder (chokidar, each file announced once its size has been stable for `stableMs`, so a file
 * still being copied is never ingested half-written; see watchFolder), and monitor alerts. A pipeline's end is handled by
 * whoever ends the run (pipeline-service.ts). Every trigger creates its run through a mark (the file's
 * path, size and time; the alert's monitor run; the tick's time), so a file or alert starts at most one run even
 * when several processes watch, or the folder is scanned again after a restart.
 */
import { CronExpressionParser } from 'cron-parser';
import { watch, type FSWatcher } from 'chokidar';
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { PipelineSpec } from '../../../shared/contract/pipelines.js';
import type { EventBus } from '../events.js';
import type { TriggerConfig } from './definition.js';
import type { PipelineService } from './pipeline-service.js';
import type { StepServices } from './step-handler.js';

interface Watched {
  key: string;
  close: () => Promise<void>;
  problem?: string;
}

/** Watches every stored definition's triggers; `refresh()` after definitions change. */
export class PipelineTriggers {
  private readonly watched = new Map<string, Watched>();
  private readonly stopEvents: () => void;

  constructor(
    private readonly service: PipelineService,
    events: EventBus,
    private readonly services: StepServices,
  ) {
    this.stopEvents = events.onDidEmit((event) => {
      if (event === 'monitors.alert') this.pollAlerts();
      if (event === 'store.changed') this.refresh();
    });
  }

  /** Starts watching new or changed triggers and stops those of deleted or changed definitions. */
  refresh(): void {
    const wanted = new Map<string, { spec: PipelineSpec; config: TriggerConfig; createdAt: number }>();
    for (const stored of this.service.definitions()) {
      stored.spec.triggers.forEach((trigger) => {
        const config = trigger.config as TriggerConfig;
        if (config.kind !== 'cron' && config.kind !== 'folder') return;
        wanted.set(`${stored.name}\u0000${JSON.stringify(config)}`, {
          spec: stored.spec,
          config,
          createdAt: stored.createdAt,
        });
      });
    }
    for (const [key, watched] of this.watched)
      if (!wanted.has(key)) {
        this.watched.delete(key);
        void watched.close();
      }
    for (const [key, { spec, config }] of wanted) {
      if (this.watched.has(key)) continue;
      this.watched.set(
        key,
        config.kind === 'cron'
          ? this.watchCron(key, spec, config)
          : this.watchFolder(key, spec, config as Extract<TriggerConfig, { kind: 'folder' }>),
      );
    }
    this.pollAlerts();
  }

  /** Looks for alerts raised by other processes. */
  poll(): void {
    this.pollAlerts();
  }

  /** What is wrong with the watched triggers (a folder that disappeared). */
  problems(): string[] {
    return [...this.watched.values()].flatMap((w) => (w.problem ? [w.problem] : []));
  }

  /** Stops every watcher. */
  async dispose(): Promise<void> {
    this.stopEvents();
    const all = [...this.watched.values()];
    this.watched.clear();
    await Promise.all(all.map((w) => w.close()));
  }

  private watchCron(key: string, spec: PipelineSpec, config: Extract<TriggerConfig, { kind: 'cron' }>): Watched {
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const schedule = () => {
      if (closed) return;
      const next = CronExpressionParser.parse(config.schedule, { currentDate: new Date() }).next().getTime();
      // setTimeout holds at most ~24.8 days; wake up earlier and re-plan when it is further.
      timer = setTimeout(() => fire(next), Math.min(next - Date.now(), 2 ** 31 - 1));
      timer.unref();
    };
    const fire = (at: number) => {
      if (closed) return;
      if (Date.now() >= at)
        this.service.enqueue(
          spec,
          { kind: 'cron', detail: `cron ${config.schedule} at ${new Date(at).toISOString()}`, values: { at } },
          { source: 'cron', mark: new Date(at).toISOString() },
        );
      schedule();
    };
    schedule();
    return {
      key,
      close: async () => {
        closed = true;
        if (timer) clearTimeout(timer);
      },
    };
  }

  private watchFolder(key: string, spec: PipelineSpec, config: Extract<TriggerConfig, { kind: 'folder' }>): Watched {
    const entry: Watched = { key, close: async () => undefined };
    if (!existsSync(config.path)) {
      entry.problem = `pipeline ${spec.name}: the trigger folder ${config.path} does not exist`;
      return entry;
    }
    const matches = globMatcher(config.glob);
    // chokidar's awaitWriteFinish holds back only events after its first scan, so a file still being copied
    // when the watch starts would be announced at once: each file waits here instead, until its size and
    // modification time have not changed for `stableMs` (every event about it starts the wait again).
    const watcher: FSWatcher = watch(config.path, { depth: 0, ignoreInitial: false });
    const waiting = new Map<string, NodeJS.Timeout>();
    const settle = (path: string, seen: { size: number; mtimeMs: number }) => {
      clearTimeout(waiting.get(path));
      const timer = setTimeout(() => {
        waiting.delete(path);
        let stat;
        try {
          stat = statSync(path);
        } catch {
          return; // gone again before it settled: nothing to ingest
        }
        if (!stat.isFile()) return;
        if (stat.size !== seen.size || stat.mtimeMs !== seen.mtimeMs) settle(path, stat);
        else announce(path, stat);
      }, config.stableMs);
      timer.unref();
      waiting.set(path, timer);
    };
    const announce = (path: string, stat: { size: number; mtimeMs: number }) => {
      const name = relative(config.path, path);
      this.service.enqueue(
        spec,
        { kind: 'folder', detail: `file ${name} in ${config.path}`, values: fileValues(path) },
        { source: 'folder', mark: `${name}:${stat.size}:${Math.round(stat.mtimeMs)}` },
      );
    };
    const onFile = (path: string) => {
      const name = relative(config.path, path);
      if (name.includes('/') || !matches(basename(path))) return;
      try {
        const stat = statSync(path);
        if (stat.isFile()) settle(path, stat);
      } catch {
        // gone again before we looked: nothing to ingest
      }
    };
    watcher.on('add', onFile);
    watcher.on('change', onFile);
    watcher.on('unlinkDir', (path) => {
      if (path === config.path) entry.problem = `pipeline ${spec.name}: the trigger folder ${config.path} was removed`;
    });
    watcher.on('error', (error) => {
      entry.problem = `pipeline ${spec.name}: watching ${config.path} failed: ${(error as Error).message}`;
    });
    entry.close = () => {
      for (const timer of waiting.values()) clearTimeout(timer);
      waiting.clear();
      return watcher.close();
    };
    return entry;
  }

  private pollAlerts(): void {
    const definitions = this.service
      .definitions()
      .filter((stored) => stored.spec.triggers.some((trigger) => trigger.kind === 'alert'));
    if (definitions.length === 0) return;
    const alerts = this.services.monitors.alerts();
    for (const stored of definitions) {
      for (const trigger of stored.spec.triggers) {
        if (trigger.kind !== 'alert') continue;
        const monitor = String(trigger.config.monitor);
        let monitorId: string | undefined;
        for (const alert of alerts) {
          // Alerts raised before the pipeline existed do not start it.
          if (alert.monitor !== monitor || alert.createdAt < stored.createdAt) continue;
          if (this.service.hasMark(stored.name, 'alert', alert.runId)) continue;
          monitorId ??= this.services.monitors.list().find((m) => m.name === monitor)?.id;
          // One run per monitor run, however many windows or kinds alerted in it.
          this.service.enqueue(
            stored.spec,
            {
              kind: 'alert',
              detail: `${alert.kind} alert of monitor ${monitor}: ${alert.message}`,
              values: { monitor, alert: alert.id, kind: alert.kind, message: alert.message, monitorRun: alert.runId },
            },
            { source: 'alert', mark: alert.runId },
            monitorId === undefined ? undefined : { kind: 'monitor', id: monitorId },
          );
        }
      }
    }
  }
}

/** A matcher for a file-name glob: `*`, `?`, `[abc]` and `{a,b}` (no path separators). */
export function globMatcher(glob: string): (name: string) => boolean {
  let pattern = '';
  let inBraces = false;
  for (const char of glob) {
    if (char === '*') pattern += '[^/]*';
    else if (char === '?') pattern += '[^/]';
    else if (char === '{') {
      pattern += '(?:';
      inBraces = true;
    } else if (char === '}' && inBraces) {
      pattern += ')';
      inBraces = false;
    } else if (char === ',' && inBraces) pattern += '|';
    else if (char === '[' || char === ']') pattern += char;
    else pattern += char.replace(/[.+^$()|\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${pattern}$`);
  // Dot files (editors' temp files, `.partial`) never match, as in shells.
  return (name) => !name.startsWith('.') && regex.test(name);
}

/** The file name a person knows a trigger file by. */
export function fileValues(path: string): Record<string, string> {
  const name = basename(path);
  return { file: path, name, stem: name.replace(/\.[^.]*$/, ''), folder: join(path, '..') };
}

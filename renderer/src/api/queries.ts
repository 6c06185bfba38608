/**
 * The one way the UI reads from the core: every query is keyed `[method, input]`, so two pages asking
 * for the same thing share one cache entry, and one table (`invalidations`) says which methods a core
 * event makes stale. Before this, pages typed their own keys (`['datasets','list']` beside
 * `['datasets.list']`) and a dataset added elsewhere never refreshed the Train form's picker.
 */
import { useQuery, type QueryClient, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import type { EventName, LatheClient, MethodInput, MethodName, MethodOutput } from '../../../shared/contract/index';
import type { ClientError } from './client-error';
import { useClient } from './hooks';

/** The cache key of one call: the method, then its input exactly as passed. */
export type LatheQueryKey<M extends MethodName> = readonly [M, MethodInput<M>];

/** The key of `method(input)`; `[method]` alone (see {@link methodKey}) matches every input. */
export function queryKey<M extends MethodName>(method: M, input: MethodInput<M>): LatheQueryKey<M> {
  return [method, input];
}

/** The key prefix that matches every call of `method`, whatever its input. */
export function methodKey(method: MethodName): readonly [MethodName] {
  return [method];
}

/** Query options (key and function) for `method(input)`, for `useQuery`, `useQueries` or `prefetchQuery`. */
export function latheQuery<M extends MethodName>(client: LatheClient, method: M, input: MethodInput<M>) {
  const call = client[method] as unknown as (input: MethodInput<M>) => Promise<MethodOutput<M>>;
  return { queryKey: queryKey(method, input), queryFn: () => call(input) };
}

/** Options a page may add to a query; the key and function always come from the method and input. */
export type LatheQueryOptions<M extends MethodName, T> = Omit<
  UseQueryOptions<MethodOutput<M>, ClientError, T, LatheQueryKey<M>>,
  'queryKey' | 'queryFn'
>;

/** Reads `method(input)` from the core, cached under `[method, input]` and refreshed by the events table. */
export function useLatheQuery<M extends MethodName, T = MethodOutput<M>>(
  method: M,
  input: MethodInput<M>,
  options?: LatheQueryOptions<M, T>,
): UseQueryResult<T, ClientError> {
  const client = useClient();
  return useQuery<MethodOutput<M>, ClientError, T, LatheQueryKey<M>>({
    ...options,
    ...latheQuery(client, method, input),
  });
}

/** Every query of the contract (methods that only read), for events after which anything may be stale. */
const everything = 'everything' as const;

/**
 * Which methods' queries each core event makes stale. Typed over every event, so a new event in the
 * contract does not compile until it says what it refreshes. Progress events patch the cache in place
 * (models/useTrainingJobs) and refresh nothing here.
 */
export const invalidations: { readonly [E in EventName]: readonly MethodName[] | typeof everything } = {
  // A dataset version added or retyped: every list, picker, profile and diff that names datasets.
  'datasets.changed': [
    'datasets.list',
    'datasets.versions',
    'datasets.show',
    'datasets.rows',
    'datasets.diff',
    'datasets.dependents',
    'lineage.graph',
  ],
  'experiments.changed': ['experiments.list', 'runs.search', 'runs.get'],
  // Another process (the CLI, a script) wrote to the store: anything on screen may be stale.
  'store.changed': everything,
  // A model or version added, changed, aliased or deleted: lists, pages, the registry panel and diffs.
  'models.changed': [
    'models.list',
    'models.get',
    'models.version',
    'datasets.dependents',
    'lineage.graph',
    'registry.aliasHistory',
    'registry.mlflowFiles',
    'registry.diff',
  ],
  'models.trainingProgress': [],
  // A finished job made a model version and a run with its metrics and artifacts.
  'models.trainingFinished': [
    'models.list',
    'models.get',
    'models.version',
    'models.trainingJobs',
    'runs.search',
    'runs.get',
    'runs.keys',
    'runs.metricHistory',
    'runs.artifacts',
    'runs.artifactPreview',
    'datasets.dependents',
  ],
  'models.predictProgress': [],
  'runs.changed': [
    'runs.search',
    'runs.get',
    'runs.keys',
    'runs.artifacts',
    'runs.artifactPreview',
    'datasets.dependents',
  ],
  'runs.metrics': ['runs.search', 'runs.get', 'runs.keys', 'runs.metricHistory', 'runs.groupedHistory'],
  // A drift report stored: the report list (a report never changes once stored).
  'drift.changed': ['drift.list', 'lineage.graph'],
  // A monitor created or run: its list row (last run, alert count) and its page.
  'monitors.changed': ['monitors.list', 'monitors.show', 'monitors.alerts', 'lineage.graph'],
  'monitors.alert': ['monitors.list', 'monitors.show', 'monitors.alerts'],
  // A validation report stored: the version's report list (a report never changes once stored).
  'validation.changed': ['validation.list', 'lineage.graph'],
  'validation.progress': [],
  // A bundle exported or self-tested: the version's export list and that export.
  'bundles.changed': ['bundles.list', 'bundles.get', 'lineage.graph'],
  'bundles.progress': [],
};

/** The methods whose queries `event` makes stale; `everything` when the whole cache is. */
export function staleAfter(event: EventName): readonly MethodName[] | typeof everything {
  return invalidations[event];
}

/**
 * Subscribes once, for the whole app, to every event of the table and invalidates the queries it names.
 * A script logging metrics sends many events a second: each method is refreshed at most once per
 * `everyMs` (the first event at once, the rest batched to the end of the window). Returns the unsubscriber.
 */
export function wireInvalidations(client: LatheClient, queryClient: QueryClient, everyMs = 1000): () => void {
  const last = new Map<MethodName | typeof everything, number>();
  const timers = new Map<MethodName | typeof everything, ReturnType<typeof setTimeout>>();
  const refresh = (target: MethodName | typeof everything) => {
    timers.delete(target);
    last.set(target, Date.now());
    void queryClient.invalidateQueries(target === everything ? undefined : { queryKey: methodKey(target) });
  };
  const schedule = (target: MethodName | typeof everything) => {
    if (timers.has(target)) return;
    const wait = Math.max(0, everyMs - (Date.now() - (last.get(target) ?? -Infinity)));
    if (wait === 0) refresh(target);
    else
      timers.set(
        target,
        setTimeout(() => refresh(target), wait),
      );
  };
  const unsubscribers = (Object.keys(invalidations) as EventName[]).map((event) =>
    client.on(event, () => {
      const stale = invalidations[event];
      if (stale === everything) schedule(everything);
      else for (const method of stale) schedule(method);
    }),
  );
  return () => {
    for (const off of unsubscribers) off();
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  };
}

/** After this window's own write, refreshes what the matching core event would (without waiting for it). */
export function refreshAfter(queryClient: QueryClient, event: EventName): Promise<void> {
  const stale = invalidations[event];
  if (stale === everything) return queryClient.invalidateQueries();
  return Promise.all(stale.map((method) => queryClient.invalidateQueries({ queryKey: methodKey(method) }))).then(
    () => undefined,
  );
}

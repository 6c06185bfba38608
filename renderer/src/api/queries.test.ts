/** The events table: an event refreshes every query of the methods it names, whatever their input, and nothing else. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { eventNames, methodNames, type EventName, type LatheClient } from '../../../shared/contract/index';
import { invalidations, queryKey, wireInvalidations } from './queries';

/** A client whose only working part is `on`; `emit` plays an event from the core. */
function fakeClient() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const client = {
    on(event: string, listener: (payload: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
  } as unknown as LatheClient;
  const emit = (event: EventName, payload: unknown = {}) => listeners.get(event)?.forEach((l) => l(payload));
  return { client, emit, listeners };
}

function cacheWith(...keys: (readonly unknown[])[]): QueryClient {
  const queryClient = new QueryClient();
  for (const key of keys) queryClient.setQueryData(key, 'cached');
  return queryClient;
}

const stale = (queryClient: QueryClient, key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated;

afterEach(() => vi.useRealTimers());

describe('invalidations', () => {
  it('names every event of the contract and only methods of the contract', () => {
    expect(Object.keys(invalidations).sort()).toEqual([...eventNames].sort());
    for (const stale of Object.values(invalidations))
      if (stale !== 'everything') for (const method of stale) expect(methodNames).toContain(method);
  });

  it('a dataset added elsewhere refreshes the Train form picker and the datasets page, not the models', () => {
    const { client, emit } = fakeClient();
    const trainPicker = queryKey('datasets.list', {});
    const versions = queryKey('datasets.versions', { name: 'customers' });
    const models = queryKey('models.list', {});
    const queryClient = cacheWith(trainPicker, versions, models);
    wireInvalidations(client, queryClient);
    emit('datasets.changed', { name: 'customers', version: 2, change: 'added' });
    expect(stale(queryClient, trainPicker)).toBe(true);
    expect(stale(queryClient, versions)).toBe(true);
    expect(stale(queryClient, models)).toBe(false);
  });

  it('store.changed refreshes everything', () => {
    const { client, emit } = fakeClient();
    const keys = [queryKey('datasets.list', {}), queryKey('runs.get', { id: 'abc' }), queryKey('app.info', {})];
    const queryClient = cacheWith(...keys);
    wireInvalidations(client, queryClient);
    emit('store.changed');
    for (const key of keys) expect(stale(queryClient, key)).toBe(true);
  });

  it('refreshes a method at most once per window while events pour in, and once more at its end', () => {
    vi.useFakeTimers();
    const { client, emit } = fakeClient();
    const queryClient = new QueryClient();
    const spy = vi.spyOn(queryClient, 'invalidateQueries');
    wireInvalidations(client, queryClient, 1000);
    for (let i = 0; i < 50; i++) emit('runs.metrics', { runIds: ['r'], experimentIds: ['1'] });
    const perMethod = invalidations['runs.metrics'].length;
    expect(spy).toHaveBeenCalledTimes(perMethod);
    vi.advanceTimersByTime(1000);
    expect(spy).toHaveBeenCalledTimes(2 * perMethod);
    vi.advanceTimersByTime(5000);
    expect(spy).toHaveBeenCalledTimes(2 * perMethod);
  });

  it('unsubscribes from every event', () => {
    const { client, listeners } = fakeClient();
    const off = wireInvalidations(client, new QueryClient());
    expect([...listeners.values()].reduce((n, set) => n + set.size, 0)).toBe(eventNames.length);
    off();
    expect([...listeners.values()].reduce((n, set) => n + set.size, 0)).toBe(0);
  });
});

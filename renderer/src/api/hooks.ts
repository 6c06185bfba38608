/** React glue: the client in context, queries that refresh on core events, errors as notifications. */
import { createContext, useContext, useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { EventName, LatheClient } from '../../../shared/contract/index';

/** Holds the client for the whole app. */
export const ClientContext = createContext<LatheClient | null>(null);

/** The client; throws outside the provider. */
export function useClient(): LatheClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}

/** Invalidates the queries under `queryKey` whenever `event` arrives (a script or the CLI changed something). */
export function useInvalidateOn(event: EventName, queryKey: readonly unknown[]): void {
  const client = useClient();
  const queryClient = useQueryClient();
  const key = JSON.stringify(queryKey);
  useEffect(
    () => client.on(event, () => void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as unknown[] })),
    [client, queryClient, event, key],
  );
}

/** React glue: the client in context (queries and their refresh live in api/queries.ts). */
import { createContext, useContext } from 'react';
import type { LatheClient } from '../../../shared/contract/index';

/** Holds the client for the whole app. */
export const ClientContext = createContext<LatheClient | null>(null);

/** The client; throws outside the provider. */
export function useClient(): LatheClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}

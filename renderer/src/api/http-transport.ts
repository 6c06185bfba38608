/** The client over HTTP, for the web shell (`lathe serve`): POST /api/rpc/<method>, events over SSE. */
import {
  eventNames,
  methodNames,
  type EventName,
  type EventPayload,
  type LatheClient,
} from '../../../shared/contract/index';
import { ClientError } from './client-error';

type Listener = (payload: unknown) => void;

/** Builds the HTTP client. The token travels as an HttpOnly cookie the server set when the page was opened. */
export function createHttpClient(baseUrl = ''): LatheClient {
  const listeners = new Map<EventName, Set<Listener>>();
  let source: EventSource | undefined;

  function ensureEventSource(): void {
    if (source) return;
    source = new EventSource(`${baseUrl}/api/events`);
    for (const name of eventNames) {
      source.addEventListener(name, (message) => {
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  }

  async function call(method: string, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new ClientError({ code: 'INTERNAL', message: 'Lathe is not reachable: is `lathe serve` still running?' });
    }
    const body = (await response.json().catch(() => ({}))) as { result?: unknown; error?: unknown };
    if (!response.ok || body.error)
      throw ClientError.from(body.error ?? { code: 'INTERNAL', message: `HTTP ${response.status}` });
    return body.result;
  }

  const client = Object.fromEntries(
    methodNames.map((method) => [method, (input: unknown) => call(method, input)]),
  ) as Omit<LatheClient, 'on'>;
  return {
    ...client,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      ensureEventSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
  } satisfies LatheClient;
}

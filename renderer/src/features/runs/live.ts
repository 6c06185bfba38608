/** Live refresh while a script logs: core events invalidate queries, at most once a second. */
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { EventName } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';

/** Invalidates `queryKey` when any of `events` arrives and `accept(payload)` says it concerns us, throttled to `everyMs`. */
export function useLiveInvalidate(
  events: EventName[],
  queryKey: readonly unknown[],
  accept: (payload: { runIds?: string[]; experimentId?: string; experimentIds?: string[] }) => boolean,
  everyMs = 1000,
): void {
  const client = useClient();
  const queryClient = useQueryClient();
  const key = JSON.stringify(queryKey);
  const eventsKey = events.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const fire = () => {
      timer = undefined;
      last = Date.now();
      void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as unknown[] });
    };
    const offs = eventsKey.split(',').map((event) =>
      client.on(event as EventName, (payload) => {
        if (!accept(payload as { runIds?: string[] })) return;
        if (timer) return;
        timer = setTimeout(fire, Math.max(0, everyMs - (Date.now() - last)));
      }),
    );
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
    // accept is a closure over ids the key already names.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, queryClient, key, eventsKey, everyMs]);
}

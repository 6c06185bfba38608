/** The current time, ticking every second while `ticking` (so a running step's duration counts up). */
import { useEffect, useState } from 'react';

/** Date.now() at mount, refreshed each second while `ticking` is true. */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

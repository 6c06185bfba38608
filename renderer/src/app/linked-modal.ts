/**
 * A modal opened by a link: the lineage page links entities that have no page of their own (validation
 * reports, bundles) to their model's page with `?KIND=ID`, and the button owning that kind of entity opens
 * its modal on it. One hook so every such button reads and clears the parameter the same way.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';

/** A linked modal's state: the id in the address (`?param=ID`), whether the button opened it, open and close. */
export function useLinkedModal(param: string) {
  const [opened, setOpened] = useState(false);
  const [search, setSearch] = useSearchParams();
  return {
    /** The id in the address; the caller decides whether it is one of its own (then the modal shows it). */
    requested: search.get(param),
    opened,
    open: () => setOpened(true),
    /** Closes the modal; `wasLinked` also takes the id out of the address, so the modal stays closed. */
    close: (wasLinked: boolean) => {
      setOpened(false);
      if (wasLinked)
        setSearch(
          (current) => {
            current.delete(param);
            return current;
          },
          { replace: true },
        );
    },
  };
}

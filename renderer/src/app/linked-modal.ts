/**
 * A modal opened by a link: the lineage page links entities that have no page of their own (validation
 * reports, bundles) to their model's page with `?KIND=ID`, and the button owning that kind of entity opens
 * its modal on it when the id is one of its version's. One hook so every such button reads, checks and
 * clears the parameter the same way.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useLatheQuery } from '../api/queries';

/** The list methods whose items a link can name (each item has an `id`). */
type LinkableList = 'validation.list' | 'bundles.list';

/**
 * A linked modal's state for the version `ref`: the id it should show (`?param=ID` naming one of the
 * version's items, looked up in `list` only when the address names one), whether it is open, open and close.
 */
export function useLinkedModal(param: string, list: LinkableList, ref: string) {
  const [opened, setOpened] = useState(false);
  const [search, setSearch] = useSearchParams();
  const requested = search.get(param);
  const items = useLatheQuery(list, { ref }, { enabled: requested !== null });
  const linked = (items.data ?? []).some((item: { id: string }) => item.id === requested) ? requested : null;
  return {
    linked,
    opened: opened || linked !== null,
    open: () => setOpened(true),
    /** Closes the modal; a linked id also leaves the address, so the modal stays closed. */
    close: () => {
      setOpened(false);
      if (linked !== null)
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

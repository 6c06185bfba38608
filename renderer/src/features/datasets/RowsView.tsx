/** Every row of a version, fetched page by page as the virtualized grid scrolls. */
import { useCallback, useRef, useState } from 'react';
import { Alert, Stack, Text } from '@mantine/core';
import type { Cell, DatasetVersion } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { DataGrid } from './DataGrid';

const pageRows = 200;
/** Browsers cap an element's height near 33 million pixels: at 30 px a row, the grid scrolls through the first million rows. */
const maxScrollRows = 1_000_000;

/** The rows tab (give it `key={reference}` so another version starts with an empty page cache). */
export function RowsView({ version }: { version: DatasetVersion }) {
  const client = useClient();
  const reference = `${version.name}@${version.version}`;
  const pages = useRef(new Map<number, Cell[][] | 'loading'>());
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page)) return;
      pages.current.set(page, 'loading');
      client['datasets.rows']({ ref: reference, offset: page * pageRows, limit: pageRows }).then(
        (result) => {
          pages.current.set(page, result.rows);
          setLoaded((n) => n + 1);
        },
        (caught: unknown) => {
          pages.current.delete(page);
          setError(ClientError.from(caught).message);
        },
      );
    },
    [client, reference],
  );
  const onVisibleRange = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(first / pageRows); page <= Math.floor(last / pageRows); page++) load(page);
    },
    [load],
  );
  const getRow = (index: number) => {
    const page = pages.current.get(Math.floor(index / pageRows));
    return page && page !== 'loading' ? page[index % pageRows] : undefined;
  };
  return (
    <Stack gap="xs">
      <Text size="xs" c="dimmed">
        {version.rows.toLocaleString()} rows in file order, loaded {pageRows} at a time as you scroll
        {version.rows > maxScrollRows
          ? `; the first ${maxScrollRows.toLocaleString()} are shown here, use the SQL tab (OFFSET) for the rest`
          : ''}
        .
      </Text>
      {error && (
        <Alert color="red" title="Could not read rows">
          {error}
        </Alert>
      )}
      <DataGrid
        label={`Rows of ${reference}`}
        columns={version.columns.map((c) => c.name)}
        rowCount={Math.min(version.rows, maxScrollRows)}
        getRow={getRow}
        onVisibleRange={onVisibleRange}
        height={560}
      />
    </Stack>
  );
}

/** The read-only SQL box: one SELECT over a version, which is the table `data`. */
import { useState } from 'react';
import { Alert, Button, Group, Kbd, Stack, Text, Textarea } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import type { DatasetVersion } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { DataGrid } from './DataGrid';

/** The SQL tab. */
export function SqlView({ version }: { version: DatasetVersion }) {
  const client = useClient();
  const reference = `${version.name}@${version.version}`;
  const firstCategory = version.columns.find((c) => c.type === 'categorical');
  const [sql, setSql] = useState(
    firstCategory
      ? `SELECT "${firstCategory.name}", count(*) AS rows\nFROM data\nGROUP BY 1\nORDER BY rows DESC`
      : 'SELECT *\nFROM data\nLIMIT 100',
  );
  const run = useMutation({
    mutationFn: (text: string) => client['datasets.sql']({ ref: reference, sql: text, limit: 1000 }),
  });
  const result = run.data;
  return (
    <Stack gap="sm">
      <Textarea
        label={
          <>
            SQL over <code>data</code> ({reference})
          </>
        }
        description="Read-only: one SELECT (DuckDB dialect). Other files, writes and settings are out of reach."
        value={sql}
        onChange={(e) => setSql(e.currentTarget.value)}
        autosize
        minRows={4}
        styles={{ input: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            run.mutate(sql);
          }
        }}
        aria-label="SQL query"
      />
      <Group>
        <Button leftSection={<IconPlayerPlay size={16} />} loading={run.isPending} onClick={() => run.mutate(sql)}>
          Run
        </Button>
        <Text size="xs" c="dimmed">
          <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd>
        </Text>
        {result && (
          <Text size="xs" c="dimmed" data-testid="sql-summary">
            {result.rows.length.toLocaleString()} row{result.rows.length === 1 ? '' : 's'}
            {result.truncated ? ' (first 1,000 shown)' : ''} in {result.elapsedMs} ms
          </Text>
        )}
      </Group>
      {run.isError && (
        <Alert color="red" title="The query failed">
          {ClientError.from(run.error).message}
        </Alert>
      )}
      {result && (
        <DataGrid
          label="Query results"
          columns={result.columns.map((c) => c.name)}
          rowCount={result.rows.length}
          getRow={(i) => result.rows[i]}
          height={Math.min(480, 34 + 30 * Math.max(1, result.rows.length))}
        />
      )}
    </Stack>
  );
}

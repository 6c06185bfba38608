/**
 * The runs of one experiment: a virtualized table (TanStack Table + Virtual) that loads pages as you
 * scroll, so 100,000 runs stay smooth; columns picked from params, metrics and tags; server-side sort;
 * a filter box with MLflow's search syntax and inline errors; live while a script logs.
 */
import { useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Checkbox,
  Code,
  Group,
  Loader,
  Modal,
  MultiSelect,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowsDiff, IconSearch, IconSortAscending, IconSortDescending, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RunDetail } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { durationText, metricText, statusColor } from './format';
import { latheQuery, methodKey, useLatheQuery } from '../../api/queries';
import { runCountText, suggestFilter } from './filter-hint';
import { RunsEmptyState } from './RunsEmptyState';
import { ExperimentCharts, experimentChartsDefaultRuns } from './ExperimentCharts';
import { PageHeader, PageLayout } from '../../components/Page';

const pageSize = 250;
const rowHeight = 36;

/** Column ids double as MLflow order_by identifiers. */
function orderByOf(sorting: SortingState): string[] {
  return sorting.map((s) => `${s.id} ${s.desc ? 'DESC' : 'ASC'}`);
}

/** The runs table of one experiment. */
export function RunsPage() {
  const { experimentId = '0' } = useParams();
  const client = useClient();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [filterText, setFilterText] = useState('');
  // `filter` drives the table and changes only once the server accepted the typed text, so a bad filter
  // leaves the last good result on screen with the error beside the box.
  const [filter, setFilter] = useState('');
  const [filterError, setFilterError] = useState<{ text: string; error: ClientError } | null>(null);
  const [checking, setChecking] = useState(false);
  const [sorting, setSorting] = useState<SortingState>([]);
  // The picked columns are remembered per experiment on this machine.
  const columnsKey = `lathe.runs.columns.${experimentId}`;
  const [chosen, setChosenState] = useState<string[] | null>(() => {
    try {
      const saved = localStorage.getItem(columnsKey);
      return saved ? (JSON.parse(saved) as string[]) : null;
    } catch {
      return null;
    }
  });
  const setChosen = (next: string[]) => {
    setChosenState(next);
    localStorage.setItem(columnsKey, JSON.stringify(next));
  };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [view, setView] = useState<'table' | 'charts'>('table');

  const experiments = useLatheQuery('experiments.list', { includeDeleted: true });
  const experiment = experiments.data?.find((e) => e.id === experimentId);
  const keys = useLatheQuery('runs.keys', { experimentIds: [experimentId] });

  // The table loads blocks of rows by offset as they scroll into view (random access: a jump to the end of
  // 100,000 runs loads the last block only). Block 0 also counts every match.
  const orderBy = orderByOf(sorting);
  const searchBlock = (block: number, withTotal?: boolean) => ({
    experimentIds: [experimentId],
    filter: filter || undefined,
    orderBy,
    maxResults: pageSize,
    offset: block * pageSize,
    withTotal,
  });
  const first = useLatheQuery('runs.search', searchBlock(0, true), {
    retry: false,
    placeholderData: (previous) => previous,
  });

  const total = first.data?.total ?? 0;
  const applyFilter = async (text: string) => {
    if (text === filter || text === '') {
      setFilterError(null);
      setFilter(text);
      return;
    }
    setChecking(true);
    try {
      await client['runs.search']({ experimentIds: [experimentId], filter: text, maxResults: 1 });
      setFilterError(null);
      setFilter(text);
    } catch (error) {
      setFilterError({ text, error: ClientError.from(error) });
    } finally {
      setChecking(false);
    }
  };
  const suggestion =
    filterError && keys.data ? suggestFilter(filterError.text, filterError.error.message, keys.data) : null;
  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Table and Virtual hand back fresh functions each render; the React Compiler skipping this component is expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const visibleBlocks = [...new Set(items.map((item) => Math.floor(item.index / pageSize)))].filter((b) => b > 0);
  const blocks = useQueries({
    queries: visibleBlocks.map((block) => ({ ...latheQuery(client, 'runs.search', searchBlock(block)), retry: false })),
  });
  const byIndex = new Map<number, RunDetail>();
  first.data?.runs.forEach((run, i) => byIndex.set(i, run));
  blocks.forEach((result, i) =>
    result.data?.runs.forEach((run, j) => byIndex.set(visibleBlocks[i]! * pageSize + j, run)),
  );
  const blockKey = blocks.map((b) => b.dataUpdatedAt).join(',');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => [...byIndex.values()], [first.data, blockKey]);

  // Columns: by default the first metrics and params; the picker lists every key in use.
  const available = useMemo(
    () => [
      ...(keys.data?.metrics ?? []).map((k) => ({ value: `metrics.${k}`, label: `metric: ${k}` })),
      ...(keys.data?.params ?? []).map((k) => ({ value: `params.${k}`, label: `param: ${k}` })),
      ...(keys.data?.tags ?? [])
        .filter((k) => !k.startsWith('mlflow.'))
        .map((k) => ({ value: `tags.${k}`, label: `tag: ${k}` })),
    ],
    [keys.data],
  );
  const shown = useMemo(
    () =>
      chosen ?? [
        ...(keys.data?.metrics ?? []).slice(0, 5).map((k) => `metrics.${k}`),
        ...(keys.data?.params ?? []).slice(0, 5).map((k) => `params.${k}`),
      ],
    [chosen, keys.data],
  );

  const columns = useMemo<ColumnDef<RunDetail>[]>(() => {
    const base: ColumnDef<RunDetail>[] = [
      {
        id: 'select',
        size: 40,
        enableSorting: false,
        header: () => null,
        cell: ({ row }) => (
          <Checkbox
            size="xs"
            radius="sm"
            aria-label={`Select ${row.original.name}`}
            checked={selected.has(row.original.id)}
            onChange={(e) => {
              const next = new Set(selected);
              if (e.currentTarget.checked) next.add(row.original.id);
              else next.delete(row.original.id);
              setSelected(next);
            }}
          />
        ),
      },
      {
        id: 'attributes.run_name',
        accessorFn: (run) => run.name,
        header: 'Run',
        size: 220,
        cell: ({ row }) => (
          <Anchor
            component={Link}
            to={`/experiments/${experimentId}/runs/${row.original.id}`}
            size="sm"
            fw={500}
            truncate="end"
            title={row.original.name}
          >
            {row.original.name}
          </Anchor>
        ),
      },
      {
        id: 'attributes.status',
        accessorFn: (run) => run.status,
        header: 'Status',
        size: 110,
        cell: ({ row }) => (
          <Badge size="sm" variant="light" color={statusColor[row.original.status]}>
            {row.original.status.toLowerCase()}
          </Badge>
        ),
      },
      {
        id: 'attributes.start_time',
        accessorFn: (run) => run.startTime,
        sortDescFirst: true,
        header: 'Started',
        size: 200,
        cell: ({ row }) => (
          <Text size="sm" truncate="end">
            {new Date(row.original.startTime).toLocaleString()}
          </Text>
        ),
      },
      {
        id: 'duration',
        header: 'Duration',
        size: 90,
        enableSorting: false,
        cell: ({ row }) => <Text size="sm">{durationText(row.original)}</Text>,
      },
    ];
    for (const id of shown) {
      const [kind, ...rest] = id.split('.');
      const key = rest.join('.');
      base.push({
        id,
        // Sorting happens in the core (manualSorting); the accessor only makes the column sortable.
        accessorFn: (run) =>
          kind === 'metrics' ? run.metrics[key]?.value : kind === 'params' ? run.params[key] : run.tags[key],
        header: key,
        // Wide enough for most keys whole; a very long one is cut with its full name on hover (title).
        size: Math.min(260, Math.max(110, key.length * 8 + 28)),
        cell: ({ row }) => {
          const text =
            kind === 'metrics'
              ? metricText(row.original.metrics[key])
              : kind === 'params'
                ? row.original.params[key]
                : row.original.tags[key];
          return (
            <Text size="sm" className={kind === 'metrics' ? 'mono' : undefined} truncate="end" title={text}>
              {text ?? ''}
            </Text>
          );
        },
      });
    }
    return base;
  }, [shown, selected, experimentId]);

  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    manualSorting: true,
    enableMultiSort: false,
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (run) => run.id,
  });

  const purge = useMutation({
    mutationFn: (ids: string[]) => client['runs.purge']({ ids }),
    onSuccess: (result) => {
      setConfirming(false);
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: methodKey('runs.search') });
      notifications.show({
        color: 'gray',
        message: `Deleted ${result.runs} run(s) for good; ${result.objectsRemoved} artifact file(s) removed.`,
      });
    },
    onError: (error) =>
      notifications.show({ title: 'Could not delete', message: ClientError.from(error).message, color: 'red' }),
  });

  const headers = table.getHeaderGroups()[0]!.headers;
  const width = headers.reduce((sum, h) => sum + h.getSize(), 0);
  const templateColumns = headers.map((h) => `${h.getSize()}px`).join(' ');

  if (experiments.data && !experiment) {
    return (
      <Stack maw={700}>
        <Alert color="red" title="No such experiment">
          There is no experiment with id {experimentId}. It may have been purged.
        </Alert>
        <Anchor component={Link} to="/experiments">
          Back to the experiments
        </Anchor>
      </Stack>
    );
  }
  return (
    <PageLayout style={{ height: 'calc(100vh - 110px)' }}>
      <Breadcrumbs>
        <Anchor component={Link} to="/experiments" size="sm">
          Experiments
        </Anchor>
        <Text size="sm">{experiment?.name ?? experimentId}</Text>
      </Breadcrumbs>
      <PageHeader
        title={experiment?.name ?? 'Experiment'}
        description={<span data-testid="runs-count">{first.data ? runCountText(total, filter !== '') : ' '}</span>}
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconArrowsDiff size={16} />}
              disabled={selected.size < 2}
              onClick={() => navigate(`/experiments/${experimentId}/compare?runs=${[...selected].join(',')}`)}
            >
              Compare {selected.size > 1 ? selected.size : ''}
            </Button>
            <Button
              variant="light"
              color="red"
              leftSection={<IconTrash size={16} />}
              disabled={selected.size === 0}
              onClick={() => setConfirming(true)}
            >
              Delete{selected.size ? ` ${selected.size}` : ''}
            </Button>
          </>
        }
      />

      <Group align="flex-start" wrap="nowrap">
        <form
          style={{ flex: 1 }}
          onSubmit={(e) => {
            e.preventDefault();
            void applyFilter(filterText.trim());
          }}
        >
          <TextInput
            aria-label="Filter runs"
            placeholder="metrics.acc > 0.9 and params.lr = '0.01'"
            leftSection={<IconSearch size={16} />}
            value={filterText}
            onChange={(e) => setFilterText(e.currentTarget.value)}
            onBlur={() => void applyFilter(filterText.trim())}
            error={
              filterError ? (
                <span data-testid="filter-error">
                  {filterError.error.message}
                  {suggestion && (
                    <>
                      {' '}
                      Did you mean{' '}
                      <Anchor
                        component="button"
                        type="button"
                        size="xs"
                        ff="monospace"
                        onMouseDown={(e) => e.preventDefault()}
                        onClick={() => {
                          setFilterText(suggestion);
                          void applyFilter(suggestion);
                        }}
                      >
                        {suggestion}
                      </Anchor>
                      ?
                    </>
                  )}
                  {filter ? ` Still showing the runs matching ${filter}.` : ' Still showing every run.'}
                </span>
              ) : undefined
            }
            rightSection={checking ? <Loader size="xs" /> : undefined}
            classNames={{ input: 'mono' }}
          />
        </form>
        <SegmentedControl
          aria-label="View"
          value={view}
          onChange={(v) => setView(v as 'table' | 'charts')}
          data={[
            { value: 'table', label: 'Table' },
            { value: 'charts', label: 'Charts' },
          ]}
        />
        <MultiSelect
          aria-label="Columns"
          placeholder="Columns"
          data={available}
          value={shown}
          onChange={setChosen}
          searchable
          clearable
          maxDropdownHeight={300}
          w={360}
          styles={{ pillsList: { maxHeight: 60, overflowY: 'auto' } }}
          // A long key's pill is cut; the column it adds shows it whole (with a title) in the table's header.
          wrapperProps={{ 'data-truncated': true }}
        />
      </Group>

      {first.isPending && <Loader size="sm" aria-label="Loading runs" />}
      {first.data && total === 0 && !filter && <RunsEmptyState experiment={experiment?.name ?? 'NAME'} />}
      {first.data && total === 0 && filter && (
        <Alert color="gray">
          No runs match <Code>{filter}</Code>.
        </Alert>
      )}

      {total > 0 && view === 'charts' && (
        <ExperimentCharts
          runs={
            selected.size > 0 ? rows.filter((run) => selected.has(run.id)) : rows.slice(0, experimentChartsDefaultRuns)
          }
          metrics={keys.data?.metrics ?? []}
          selected={selected.size}
        />
      )}
      {total > 0 && view === 'table' && (
        <Paper withBorder style={{ flex: 1, minHeight: 200, overflow: 'hidden', display: 'flex' }}>
          <div
            ref={scroller}
            style={{ overflow: 'auto', flex: 1 }}
            role="table"
            aria-label="Runs"
            aria-rowcount={total}
          >
            <div
              role="rowgroup"
              style={{
                position: 'sticky',
                top: 0,
                zIndex: 1,
                width,
                background: 'var(--mantine-color-body)',
                borderBottom: '1px solid var(--mantine-color-default-border)',
              }}
            >
              <div
                role="row"
                style={{
                  display: 'grid',
                  gridTemplateColumns: templateColumns,
                  height: rowHeight,
                  alignItems: 'center',
                }}
              >
                {headers.map((header) => {
                  const sortable = header.column.getCanSort();
                  const sorted = header.column.getIsSorted();
                  return (
                    <div
                      key={header.id}
                      role="columnheader"
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                      style={{ padding: '0 8px', overflow: 'hidden' }}
                    >
                      {sortable ? (
                        <Tooltip label="Sort" openDelay={500}>
                          <UnstyledButton
                            onClick={header.column.getToggleSortingHandler()}
                            aria-label={`Sort by ${header.column.id}`}
                            style={{ display: 'flex', alignItems: 'center', gap: 4, maxWidth: '100%' }}
                          >
                            <Text
                              span
                              size="sm"
                              fw={600}
                              truncate="end"
                              title={headerTitle(header.column.id, header.column.columnDef.header)}
                            >
                              {flexRender(header.column.columnDef.header, header.getContext())}
                            </Text>
                            {sorted === 'asc' && <IconSortAscending size={14} />}
                            {sorted === 'desc' && <IconSortDescending size={14} />}
                          </UnstyledButton>
                        </Tooltip>
                      ) : (
                        <Text
                          size="sm"
                          fw={600}
                          truncate="end"
                          title={headerTitle(header.column.id, header.column.columnDef.header)}
                        >
                          {flexRender(header.column.columnDef.header, header.getContext())}
                        </Text>
                      )}
                    </div>
                  );
                })}
              </div>
            </div>
            <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), width, position: 'relative' }}>
              {items.map((item) => {
                const run = byIndex.get(item.index);
                const row = run ? table.getRow(run.id, true) : undefined;
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    data-testid={row ? `run-row-${row.original.id}` : undefined}
                    className="runs-row"
                    style={{
                      position: 'absolute',
                      top: 0,
                      transform: `translateY(${item.start}px)`,
                      height: rowHeight,
                      display: 'grid',
                      gridTemplateColumns: templateColumns,
                      alignItems: 'center',
                      width,
                      borderBottom: '1px solid var(--mantine-color-default-border)',
                    }}
                  >
                    {row ? (
                      row.getVisibleCells().map((cell) => (
                        <div key={cell.id} role="cell" style={{ padding: '0 8px', overflow: 'hidden' }}>
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </div>
                      ))
                    ) : (
                      <Text size="sm" c="dimmed" px="sm">
                        Loading…
                      </Text>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </Paper>
      )}

      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Delete runs for good?" centered>
        <Stack>
          <Text size="sm">
            Delete {selected.size} run{selected.size === 1 ? '' : 's'} with their params, metrics, tags and artifacts?
            Artifact files no other run, dataset or model uses are removed from disk. <b>This cannot be undone.</b>
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={purge.isPending} onClick={() => purge.mutate([...selected])}>
              Delete for good
            </Button>
          </Group>
        </Stack>
      </Modal>
    </PageLayout>
  );
}

/** A header's full name on hover, for the params and metrics columns whose keys may be cut. */
function headerTitle(id: string, header: unknown): string | undefined {
  return typeof header === 'string' ? id : undefined;
}

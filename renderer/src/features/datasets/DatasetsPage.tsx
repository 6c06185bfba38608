/**
 * Datasets: the list, and for one dataset its version timeline with the profile, rows, SQL box and
 * comparison of any two versions. Routes: /datasets and /datasets/NAME?v=3&tab=profile.
 */
import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Menu,
  Paper,
  ScrollArea,
  Stack,
  Table,
  Tabs,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconChartBar,
  IconChevronDown,
  IconDatabase,
  IconGitCompare,
  IconPlus,
  IconSql,
  IconTable,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router';
import { entityDisplayName, routeOfEntity } from '../../app/entity-routes';
import type { AddDatasetResult, DatasetDependent, DatasetVersion } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter, useLatheQuery } from '../../api/queries';
import { PageHeader, PageLayout } from '../../components/Page';
import { ClientError } from '../../api/client-error';
import { EmptyState } from '../../components/EmptyState';
import { AddDatasetModal } from './AddDatasetModal';
import { formatNumber } from '../../../../shared/format';
import { DeleteDatasetModal, type DeleteTarget } from './DeleteDatasetModal';
import { DiffView } from './DiffView';
import { ProfileView, TypeBadge } from './ProfileView';
import { RowsView } from './RowsView';
import { SqlView } from './SqlView';
import './datasets.css';

function when(timestamp: number): string {
  return new Date(timestamp).toLocaleString();
}

function useAddedNotice() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (result: AddDatasetResult) => {
    void refreshAfter(queryClient, 'datasets.changed');
    notifications.show({
      color: result.deduplicated ? 'gray' : 'green',
      title: result.deduplicated ? 'Already stored' : `Added ${result.name}@${result.version}`,
      message: result.deduplicated
        ? `These bytes are ${result.name}@${result.version}; no new version was made.`
        : `${result.rows.toLocaleString()} rows × ${result.columns} columns, sha256 ${result.hash.slice(0, 12)}…`,
    });
    navigate(`/datasets/${encodeURIComponent(result.name)}?v=${result.version}`);
  };
}

function DatasetList() {
  const client = useClient();
  const [adding, addModal] = useDisclosure(false);
  const [dropped, setDropped] = useState<File | null>(null);
  const list = useLatheQuery('datasets.list', {});
  useHotkeys([['n', () => addModal.open()]]);
  const onAdded = useAddedNotice();
  const webShell = typeof window !== 'undefined' && window.lathe === undefined;
  // Both shells take a file dropped on the page: uploaded in the web shell, read by path in the desktop app.
  const canDrop = webShell || window.latheDesktop !== undefined;
  const sample = useMutation({
    mutationFn: () => client['datasets.addSample']({}),
    onSuccess: (results) => onAdded(results[results.length - 1]!),
    onError: (error) =>
      notifications.show({ title: 'Could not add the sample', message: ClientError.from(error).message, color: 'red' }),
  });

  return (
    <PageLayout
      onDragOver={(e) => canDrop && e.dataTransfer.types.includes('Files') && e.preventDefault()}
      onDrop={(e) => {
        if (!canDrop || e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        setDropped(e.dataTransfer.files[0]!);
        addModal.open();
      }}
    >
      <PageHeader
        title="Datasets"
        description="Versioned by the SHA-256 of their bytes, profiled once, comparable version to version."
        actions={
          <Tooltip label={<>Shortcut: N</>}>
            <Button leftSection={<IconPlus size={16} />} onClick={addModal.open}>
              Add dataset
            </Button>
          </Tooltip>
        }
      />
      {list.isPending && <Loader size="sm" aria-label="Loading datasets" />}
      {list.isError && (
        <Alert color="red" title="Could not load datasets">
          {list.error.message}
        </Alert>
      )}
      {list.data && list.data.length === 0 && (
        <EmptyState
          icon={<IconDatabase size={36} stroke={1.3} />}
          title="No datasets yet"
          actions={
            <>
              <Button leftSection={<IconPlus size={16} />} onClick={addModal.open}>
                Add dataset
              </Button>
              <Button variant="default" loading={sample.isPending} onClick={() => sample.mutate()}>
                Try the sample
              </Button>
            </>
          }
        >
          Add a CSV, TSV, Parquet or JSON Lines file{canDrop ? ' (or drop it on this page)' : ''}. From a terminal:{' '}
          <Code>lathe data add FILE --name NAME</Code>. Or try the sample: two versions of a small customer table, ready
          to profile and compare.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Paper withBorder>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Datasets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th w={90}>Latest</Table.Th>
                <Table.Th w={100} ta="right">
                  Rows
                </Table.Th>
                <Table.Th w={90} ta="right">
                  Columns
                </Table.Th>
                <Table.Th w={90}>Format</Table.Th>
                <Table.Th w={140}>SHA-256</Table.Th>
                <Table.Th w={200}>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((dataset) => (
                <Table.Tr key={dataset.id} data-testid={`dataset-row-${dataset.name}`}>
                  <Table.Td>
                    <Text component={Link} to={`/datasets/${encodeURIComponent(dataset.name)}`} fw={600} c="blue">
                      {dataset.name}
                    </Text>
                    {dataset.latest.message && (
                      <Text size="xs" c="dimmed" truncate maw={360}>
                        {dataset.latest.message}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">@{dataset.latest.version}</Badge>
                    {dataset.versionCount > 1 && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        of {dataset.versionCount}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(dataset.latest.rows)}</Table.Td>
                  <Table.Td ta="right">{dataset.latest.columns.length}</Table.Td>
                  <Table.Td>{dataset.latest.format}</Table.Td>
                  <Table.Td className="mono" title={dataset.latest.hash}>
                    {dataset.latest.hash.slice(0, 12)}
                  </Table.Td>
                  <Table.Td>{when(dataset.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <AddDatasetModal
        opened={adding}
        initialFile={dropped}
        onClose={() => {
          addModal.close();
          setDropped(null);
        }}
        onAdded={onAdded}
      />
    </PageLayout>
  );
}

function Timeline({
  versions,
  selected,
  onSelect,
}: {
  versions: DatasetVersion[];
  selected: number;
  onSelect: (version: number) => void;
}) {
  return (
    <Stack gap={2} role="listbox" aria-label="Versions">
      {versions.map((v) => (
        <div
          key={v.id}
          className="timeline-item"
          data-selected={v.version === selected}
          role="option"
          aria-selected={v.version === selected}
          tabIndex={0}
          onClick={() => onSelect(v.version)}
          onKeyDown={(e) => e.key === 'Enter' && onSelect(v.version)}
          data-testid={`version-${v.version}`}
        >
          <Group gap={6} wrap="nowrap">
            <Badge size="sm" variant={v.version === selected ? 'filled' : 'light'}>
              @{v.version}
            </Badge>
            <Text size="xs" c="dimmed">
              {new Date(v.createdAt).toLocaleDateString()}
            </Text>
          </Group>
          <Text size="xs">
            {formatNumber(v.rows)} rows × {v.columns.length}
          </Text>
          {v.message && (
            <Text size="xs" c="dimmed" lineClamp={2}>
              {v.message}
            </Text>
          )}
          <Text size="xs" c="dimmed" className="mono">
            {v.hash.slice(0, 10)}
          </Text>
        </div>
      ))}
    </Stack>
  );
}

/** Lineage, downstream: the runs and model versions made from this dataset, by version. */
function MadeFrom({ dependents }: { dependents: DatasetDependent[] | undefined }) {
  return (
    <Stack gap={4} mt="sm" px={6} data-testid="made-from">
      <Text size="xs" fw={600} c="dimmed">
        MADE FROM IT
      </Text>
      {dependents === undefined ? (
        <Loader size="xs" aria-label="Loading lineage" />
      ) : dependents.length === 0 ? (
        <Text size="xs" c="dimmed">
          No run or model yet. Train one from the Models page.
        </Text>
      ) : (
        dependents.map((d) => (
          <Group key={`${d.version}-${d.entity.kind}-${d.entity.id}`} gap={4} wrap="nowrap">
            <Badge size="xs" variant="light" style={{ flex: 'none' }}>
              @{d.version}
            </Badge>
            {routeOfEntity(d.entity) ? (
              <Anchor
                component={Link}
                to={routeOfEntity(d.entity)!}
                size="xs"
                truncate
                title={entityDisplayName(d.entity)}
              >
                {entityDisplayName(d.entity)}
              </Anchor>
            ) : (
              <Text size="xs" c="dimmed" truncate title={entityDisplayName(d.entity)}>
                {entityDisplayName(d.entity)}
              </Text>
            )}
          </Group>
        ))
      )}
    </Stack>
  );
}

function DatasetDetail() {
  const { name = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const [adding, addModal] = useDisclosure(false);
  const [deleting, setDeleting] = useState<DeleteTarget | null>(null);
  const navigate = useNavigate();
  const onAdded = useAddedNotice();
  const versions = useLatheQuery('datasets.versions', { name });
  const dependents = useLatheQuery('datasets.dependents', { name }, { enabled: versions.isSuccess });
  const latest = versions.data?.[0]?.version;
  const selected = Number(search.get('v') ?? latest ?? 0) || latest || 0;
  const tab = search.get('tab') ?? 'profile';
  const shown = useLatheQuery('datasets.show', { ref: `${name}@${selected}` }, { enabled: selected > 0 });
  const setParam = (key: string, value: string) =>
    setSearch((current) => {
      const next = new URLSearchParams(current);
      next.set(key, value);
      return next;
    });

  if (versions.isError) {
    return (
      <PageLayout>
        <PageHeader title={name} back={{ to: '/datasets', label: 'All datasets' }} />
        <Alert color="red" title="Could not open the dataset">
          {versions.error.message}
        </Alert>
      </PageLayout>
    );
  }
  if (!versions.data) return <Loader size="sm" aria-label="Loading dataset" />;
  const version = shown.data?.version;
  return (
    <PageLayout>
      <PageHeader
        back={{ to: '/datasets', label: 'All datasets' }}
        title={name}
        badges={
          version && (
            <Badge size="lg" variant="light">
              @{version.version}
            </Badge>
          )
        }
        description={
          version && (
            <Text size="xs" c="dimmed">
              {version.format.toUpperCase()} · sha256{' '}
              <span className="mono" title={version.hash}>
                {version.hash.slice(0, 16)}…
              </span>
              {version.parentVersion !== null ? ` · parent @${version.parentVersion}` : ' · first version'}
              {version.origin ? ` · from ${version.origin.path}` : ''} · added {when(version.createdAt)}
            </Text>
          )
        }
        actions={
          <>
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={addModal.open}>
              New version
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" color="red" rightSection={<IconChevronDown size={14} />}>
                  Delete
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item
                  leftSection={<IconTrash size={14} />}
                  onClick={() => setDeleting({ name, version: selected, versionCount: versions.data.length })}
                >
                  Delete version @{selected}
                </Menu.Item>
                <Menu.Item
                  color="red"
                  leftSection={<IconTrash size={14} />}
                  onClick={() => setDeleting({ name, versionCount: versions.data.length })}
                >
                  Delete dataset {name}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </>
        }
      />
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <Paper withBorder p="xs" w={190} style={{ flex: 'none' }}>
          <Text size="xs" fw={600} c="dimmed" mb={4} px={6}>
            VERSIONS
          </Text>
          <ScrollArea.Autosize mah={640}>
            <Timeline versions={versions.data} selected={selected} onSelect={(v) => setParam('v', String(v))} />
          </ScrollArea.Autosize>
          <MadeFrom dependents={dependents.data} />
          <Anchor
            component={Link}
            to={`/lineage?entity=${encodeURIComponent(`dataset:${name}@${selected}`)}`}
            size="xs"
            px={6}
          >
            Lineage graph of @{selected}
          </Anchor>
        </Paper>
        <Stack style={{ flex: 1, minWidth: 0 }}>
          {version && (
            <Group gap={6}>
              {version.columns.slice(0, 12).map((c) => (
                <Group key={c.name} gap={4} wrap="nowrap">
                  <Text size="xs" fw={500}>
                    {c.name}
                  </Text>
                  <TypeBadge type={c.type} />
                </Group>
              ))}
              {version.columns.length > 12 && (
                <Text size="xs" c="dimmed">
                  +{version.columns.length - 12} more
                </Text>
              )}
            </Group>
          )}
          <Tabs value={tab} onChange={(value) => value && setParam('tab', value)} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="profile" leftSection={<IconChartBar size={15} />}>
                Profile
              </Tabs.Tab>
              <Tabs.Tab value="rows" leftSection={<IconTable size={15} />}>
                Rows
              </Tabs.Tab>
              <Tabs.Tab value="sql" leftSection={<IconSql size={15} />}>
                SQL
              </Tabs.Tab>
              <Tabs.Tab value="compare" leftSection={<IconGitCompare size={15} />}>
                Compare
              </Tabs.Tab>
            </Tabs.List>
            <div style={{ paddingTop: 'var(--mantine-spacing-md)' }}>
              {shown.isPending && <Loader size="sm" aria-label="Loading profile" />}
              {shown.isError && (
                <Alert color="red" title="Could not load this version">
                  {shown.error.message}
                </Alert>
              )}
              {shown.data && tab === 'profile' && (
                <ProfileView version={shown.data.version} profile={shown.data.profile} />
              )}
              {shown.data && tab === 'rows' && <RowsView key={`${name}@${selected}`} version={shown.data.version} />}
              {shown.data && tab === 'sql' && <SqlView version={shown.data.version} />}
              {shown.data &&
                tab === 'compare' &&
                (versions.data.length < 2 ? (
                  <Paper withBorder p="lg">
                    <Text size="sm">
                      Only one version so far. Add new bytes under the name <b>{name}</b> to compare versions, or from a
                      terminal: <Code>lathe data add FILE --name {name}</Code>.
                    </Text>
                  </Paper>
                ) : (
                  <DiffView versions={versions.data} selected={shown.data.version} />
                ))}
            </div>
          </Tabs>
        </Stack>
      </Group>
      <AddDatasetModal opened={adding} onClose={addModal.close} onAdded={onAdded} key={name} versionOf={name} />
      <DeleteDatasetModal
        target={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(result) => {
          setDeleting(null);
          if (result.datasetDeleted) navigate('/datasets');
          else
            setSearch((current) => {
              const next = new URLSearchParams(current);
              next.delete('v');
              return next;
            });
        }}
      />
    </PageLayout>
  );
}

/** The datasets section. */
export function DatasetsPage() {
  return (
    <Routes>
      <Route index element={<DatasetList />} />
      <Route path=":name" element={<DatasetDetail />} />
    </Routes>
  );
}

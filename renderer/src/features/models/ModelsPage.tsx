import { Badge, Button, Loader, Paper, Table, Text, Tooltip, Alert } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { IconFileImport, IconPlayerPlay } from '@tabler/icons-react';
import { Route, Routes, useNavigate, Link } from 'react-router';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { EmptyState } from '../../components/EmptyState';
import { ImportModal } from './ImportModal';
import { ModelDetail } from './ModelDetail';
import { TrainModal } from './TrainModal';
import { TrainingJobs } from './TrainingJobs';
import { useTrainingJobs } from './useTrainingJobs';
import { ModelAliases } from '../registry/AliasBadges';
import { ModelDiffPage } from '../registry/ModelDiffPage';
import { ModelGraphPage } from '../registry/ModelGraphPage';
import { PageHeader, PageLayout } from '../../components/Page';

/** Models: the registry (trained and imported), training with live progress, and each model's versions. */
export function ModelsPage() {
  return (
    <Routes>
      <Route index element={<ModelList />} />
      <Route path="-/diff" element={<ModelDiffPage />} />
      <Route path="-/graph" element={<ModelGraphPage />} />
      <Route path=":name" element={<ModelDetail />} />
    </Routes>
  );
}

function ModelList() {
  const navigate = useNavigate();
  const [training, trainModal] = useDisclosure(false);
  const [importing, importModal] = useDisclosure(false);
  const list = useLatheQuery('models.list', {});
  const jobs = useTrainingJobs();
  useHotkeys([['t', () => trainModal.open()]]);

  return (
    <PageLayout>
      <PageHeader
        title="Models"
        description="Train a baseline on a dataset, or bring a model from PyTorch, scikit-learn or Keras as ONNX. Every version is scored by ONNX Runtime."
        actions={
          <>
            <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={importModal.open}>
              Import ONNX
            </Button>
            <Tooltip label="Shortcut: T">
              <Button leftSection={<IconPlayerPlay size={16} />} onClick={trainModal.open}>
                Train model
              </Button>
            </Tooltip>
          </>
        }
      />

      <TrainingJobs jobs={jobs} />

      {list.isPending && <Loader size="sm" aria-label="Loading models" />}
      {list.isError && (
        <Alert color="red" title="Could not load models">
          {ClientError.from(list.error).message}
        </Alert>
      )}
      {list.data && list.data.length === 0 && (
        <EmptyState title="No models yet">
          {jobs.some((job) => job.status === 'running') ? (
            <>The model and its first version appear here when the training above finishes.</>
          ) : (
            <>
              Click <b>Train model</b> to fit a network on a dataset, or <b>Import ONNX</b> to bring one in. From a
              terminal: <code>lathe train --data NAME --target COLUMN</code>
            </>
          )}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Paper withBorder>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Models">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Latest</Table.Th>
                <Table.Th>Aliases</Table.Th>
                <Table.Th>Versions</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Task</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((m) => (
                <Table.Tr
                  key={m.id}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/models/${encodeURIComponent(m.name)}`)}
                >
                  <Table.Td>
                    {/* A real link, so the row is reachable with Tab and Enter, not only with the mouse. */}
                    <Text
                      component={Link}
                      to={`/models/${encodeURIComponent(m.name)}`}
                      fw={600}
                      c="blue"
                      onClick={(e) => e.stopPropagation()}
                    >
                      {m.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{m.latestVersion ? `@${m.latestVersion}` : '–'}</Table.Td>
                  <Table.Td>
                    <ModelAliases aliases={m.aliases} />
                  </Table.Td>
                  <Table.Td>{m.versionCount}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={m.latestSource === 'trained' ? 'blue' : 'grape'}>
                      {m.latestSource ?? '–'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{m.latestTask ?? '–'}</Table.Td>
                  <Table.Td>{new Date(m.updatedAt).toLocaleString()}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <TrainModal opened={training} onClose={trainModal.close} />
      <ImportModal
        opened={importing}
        onClose={importModal.close}
        onImported={(name) => navigate(`/models/${encodeURIComponent(name)}`)}
      />
    </PageLayout>
  );
}

/**
 * For a version registered through MLflow's API: where its files are (logged model or run), its flavors,
 * files, MLmodel and requirements; and, when it is not ONNX, that Lathe cannot score it here.
 */
import { Alert, Code, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useLatheQuery } from '../../api/queries';
import type { ModelVersion } from '../../../../shared/contract/index';

/** The MLflow facts of a version; nothing for one Lathe trained or imported. */
export function MlflowVersionInfo({ version }: { version: ModelVersion }) {
  const ref = `${version.model}@${version.version}`;
  const files = useLatheQuery('registry.mlflowFiles', { ref }, { enabled: version.source === 'mlflow' });
  if (version.source !== 'mlflow') return null;
  const info = files.data;
  return (
    <Stack gap="xs" mb="sm" aria-label="MLflow model">
      {!version.scorable && (
        <Alert color="yellow" title="Cannot be scored here">
          This is an MLflow model of flavor{' '}
          {info ? info.flavors.filter((f) => f !== 'python_function').join(', ') : '…'}, not ONNX, so Lathe keeps it for
          browsing but cannot score, benchmark or diff its predictions. Log it with <code>mlflow.onnx.log_model</code>{' '}
          to score it in Lathe.
        </Alert>
      )}
      {info && (
        <Paper withBorder p="sm">
          <Group gap="lg" mb="xs">
            <Text size="sm">
              Source <Code>{info.source}</Code>
            </Text>
            <Text size="sm">
              Files at <Code>{info.storageLocation}</Code>
            </Text>
          </Group>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Table verticalSpacing={2} fz="sm" aria-label="MLflow files">
              <Table.Tbody>
                {info.files.map((file) => (
                  <Table.Tr key={file.path}>
                    <Table.Td>
                      <Code>{file.path}</Code>
                    </Table.Td>
                    <Table.Td ta="right">{file.size.toLocaleString()} bytes</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Stack gap={4}>
              {info.mlmodel && (
                <ScrollArea.Autosize mah={220}>
                  <Code block aria-label="MLmodel">
                    {info.mlmodel}
                  </Code>
                </ScrollArea.Autosize>
              )}
              {info.requirements && (
                <Code block aria-label="Requirements">
                  {info.requirements}
                </Code>
              )}
            </Stack>
          </SimpleGrid>
        </Paper>
      )}
    </Stack>
  );
}

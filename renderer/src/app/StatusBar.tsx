import { Group, Text, Tooltip } from '@mantine/core';
import { useLatheQuery } from '../api/queries';

/** Where the data lives and what computes: the facts a user checks before trusting a number. */
export function StatusBar() {
  const info = useLatheQuery('app.info', {}, { staleTime: Infinity });
  if (info.isError)
    return (
      <Text className="status-bar" c="red" lh="30px">
        Cannot reach Lathe: {info.error.message}
      </Text>
    );
  if (!info.data)
    return (
      <Text className="status-bar" lh="30px">
        Connecting…
      </Text>
    );
  const { databasePath, backend, version, shell, schemaVersion } = info.data;
  return (
    <Group h="100%" justify="space-between" wrap="nowrap" className="status-bar" data-testid="status-bar">
      <Tooltip label="The lineage store (SQLite); big files live in objects/ beside it">
        <Text size="xs" c="dimmed" truncate className="mono">
          Store: {databasePath}
        </Text>
      </Tooltip>
      <Group gap="lg" wrap="nowrap">
        <Text size="xs" c="dimmed">
          Training: {backend.training}
        </Text>
        <Text size="xs" c="dimmed">
          Inference: ONNX Runtime ({backend.inference})
        </Text>
        <Text size="xs" c="dimmed">
          {shell === 'electron' ? 'Desktop' : 'Web'} · v{version} · schema {schemaVersion}
        </Text>
      </Group>
    </Group>
  );
}

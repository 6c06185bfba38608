/**
 * The line under a long job's progress bar: what it is doing (or "Starting…", or "Cancelling…" once asked)
 * and its Cancel button, which stays disabled after the first press.
 */
import { Button, Group, Text } from '@mantine/core';

export function ProgressStatus({
  status,
  cancelling,
  onCancel,
  cancelTestId,
}: {
  /** What the job is doing now; null before its first progress. */
  status: string | null;
  cancelling: boolean;
  onCancel: () => void;
  cancelTestId: string;
}) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" style={{ flex: 'none' }}>
      <Text size="xs" c="dimmed">
        {cancelling ? 'Cancelling…' : (status ?? 'Starting…')}
      </Text>
      <Button
        size="compact-xs"
        variant="light"
        color="red"
        onClick={onCancel}
        disabled={cancelling}
        data-testid={cancelTestId}
      >
        Cancel
      </Button>
    </Group>
  );
}

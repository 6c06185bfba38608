/**
 * A confirmation for an action that cannot be undone: what happens, in a sentence; the action's error, if
 * it failed; a safe choice focused first, and the red one that acts.
 */
import { Button, Group, Modal, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ClientError } from '../api/client-error';

export function ConfirmModal({
  opened,
  onClose,
  title,
  children,
  keepLabel,
  confirmLabel,
  onConfirm,
  pending,
  error,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What the action does and what it leaves. */
  children: ReactNode;
  /** The safe choice, focused when the modal opens. */
  keepLabel: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending: boolean;
  /** The action's error, shown under the text. */
  error: unknown;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Text size="sm">{children}</Text>
      {error != null && (
        <Text size="sm" c="red" mt="sm">
          {ClientError.from(error).message}
        </Text>
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onClose} data-autofocus>
          {keepLabel}
        </Button>
        <Button color="red" loading={pending} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
}

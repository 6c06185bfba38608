/**
 * Cancel, with a confirmation: cancelling stops the running step and skips the rest, which cannot be
 * undone, so the modal says so and names the run. Refreshes what `pipelines.runChanged` would.
 */
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlayerStop } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PipelineRunSummary } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter } from '../../api/queries';
import { ConfirmModal } from '../../components/ConfirmModal';
import { shortId } from './run-format';

/** The Cancel button of an active run and its confirmation. */
export function CancelRunButton({ run }: { run: PipelineRunSummary }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [opened, modal] = useDisclosure(false);
  const cancel = useMutation({
    mutationFn: () => client['pipelines.cancel']({ id: run.id }),
    onSuccess: async (cancelled) => {
      modal.close();
      await refreshAfter(queryClient, 'pipelines.runChanged');
      // The core answers at once; a running step stops a moment later, and the run's events repaint the page.
      notifications.show({
        color: 'orange',
        message:
          cancelled.status === 'cancelled'
            ? `Run ${shortId(cancelled.id)} of ${cancelled.pipeline} is cancelled.`
            : `Cancelling run ${shortId(cancelled.id)} of ${cancelled.pipeline}: its running step is being stopped.`,
      });
    },
  });
  return (
    <>
      <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={modal.open}>
        Cancel run
      </Button>
      <ConfirmModal
        opened={opened}
        onClose={modal.close}
        title={`Cancel run ${shortId(run.id)}?`}
        keepLabel="Keep running"
        confirmLabel="Cancel the run"
        onConfirm={() => cancel.mutate()}
        pending={cancel.isPending}
        error={cancel.error}
      >
        The step running now is stopped and the steps after it are skipped. What finished steps made stays; the run ends
        as cancelled and cannot be resumed.
      </ConfirmModal>
    </>
  );
}

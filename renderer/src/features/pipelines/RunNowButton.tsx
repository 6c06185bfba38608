/**
 * Run now: starts a run by hand. When the steps read `${{ trigger.NAME }}` values (a folder trigger's file,
 * a monitor's alert), it first asks for them in a small form, since a run started by hand has no trigger
 * behind it to supply them; otherwise it starts at once.
 */
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PipelineDetail } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { shortId } from './run-format';
import { triggerValueNames, triggerValuesOf } from './trigger-values';

/** The Run now button of a pipeline, with its form for trigger values when the steps use any. */
export function RunNowButton({ pipeline }: { pipeline: PipelineDetail }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const names = triggerValueNames(pipeline.spec);
  const [opened, modal] = useDisclosure(false);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const trigger = useMutation({
    mutationFn: (values: Record<string, string | number | boolean>) =>
      client['pipelines.trigger']({ name: pipeline.name, values }),
    onSuccess: async (run) => {
      modal.close();
      await refreshAfter(queryClient, 'pipelines.runChanged');
      notifications.show({ color: 'blue', message: `Run ${shortId(run.id)} of ${run.pipeline} is ${run.status}.` });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Could not start a run', message: ClientError.from(error).message }),
  });
  return (
    <>
      <Button
        leftSection={<IconPlayerPlay size={16} />}
        loading={trigger.isPending && !opened}
        onClick={() => (names.length > 0 ? modal.open() : trigger.mutate({}))}
      >
        Run now
      </Button>
      <Modal opened={opened} onClose={modal.close} title={`Run ${pipeline.name} by hand`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            trigger.mutate(triggerValuesOf(texts));
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              Its steps read these trigger values, which a folder, alert or pipeline trigger would give. Give them for
              this run (a blank one stays missing).
            </Text>
            {names.map((name, index) => (
              <TextInput
                key={name}
                label={`trigger.${name}`}
                className="mono"
                data-autofocus={index === 0 ? true : undefined}
                placeholder={name === 'file' ? '/path/to/file.csv' : undefined}
                value={texts[name] ?? ''}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  setTexts((current) => ({ ...current, [name]: value }));
                }}
              />
            ))}
            <Group justify="flex-end">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button type="submit" loading={trigger.isPending} leftSection={<IconPlayerPlay size={16} />}>
                Start the run
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

import { useState } from 'react';
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';

/** A small form for a new experiment; the core's validation message shows under the field. */
export function CreateExperimentModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  const client = useClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: (value: string) => client['experiments.create']({ name: value }),
    onSuccess: (experiment) => {
      notifications.show({ message: `Created "${experiment.name}"`, color: 'green' });
      setName('');
      setError(undefined);
      onCreated();
      onClose();
    },
    onError: (failure) => setError(ClientError.from(failure).message),
  });
  const close = () => {
    setError(undefined);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="New experiment" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) {
            setError('Give the experiment a name');
            return;
          }
          create.mutate(name);
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            placeholder="e.g. churn-baseline"
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
            data-autofocus
            maxLength={250}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';

/** Imports an ONNX file that is on this machine as a new model version. */
export function ImportModal({ opened, onClose, onImported }: { opened: boolean; onClose: () => void; onImported: (name: string) => void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [features, setFeatures] = useState('');
  const [error, setError] = useState<string | null>(null);
  const importModel = useMutation({
    mutationFn: () =>
      client['models.import']({
        path: path.trim(),
        name: name.trim(),
        features: features.trim() ? features.split(',').map((f) => f.trim()).filter(Boolean) : undefined,
      }),
    onSuccess: (result) => {
      setError(null);
      notifications.show({ color: 'green', message: `Imported ${result.model}@${result.version} (${result.producer}, opset ${result.opset})` });
      void queryClient.invalidateQueries({ queryKey: ['models.list'] });
      onClose();
      onImported(result.model);
    },
    onError: (e) => setError(ClientError.from(e).message),
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Import an ONNX model">
      <Stack gap="sm">
        <TextInput label="ONNX file" description="Full path of a .onnx file on this machine (PyTorch, scikit-learn, Keras exports)" placeholder="/home/me/model.onnx" value={path} onChange={(e) => setPath(e.currentTarget.value)} required />
        <TextInput label="Model name" description="A new version is added when the model exists" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <TextInput label="Feature columns" description="For a model with one 2-D float input: its column order, comma separated" value={features} onChange={(e) => setFeatures(e.currentTarget.value)} />
        {error && (
          <Alert color="red" title="Not imported">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={() => importModel.mutate()} loading={importModel.isPending} disabled={!path.trim() || !name.trim()}>
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

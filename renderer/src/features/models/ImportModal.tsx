import { useState } from 'react';
import { Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import { refreshAfter } from '../../api/queries';
import type { DatasetVersion } from '../../../../shared/contract/index';
import { ModalActions } from './ModalActions';
import { DatasetVersionPicker, type DatasetChoice } from './DatasetVersionPicker';

/** A dataset's columns in order without the label, as an imported model's feature names. */
export function featuresFromColumns(columns: string[], label: string | null): string {
  return columns.filter((c) => c !== label).join(',');
}

/** Imports an ONNX file that is on this machine as a new model version. */
export function ImportModal({
  opened,
  onClose,
  onImported,
}: {
  opened: boolean;
  onClose: () => void;
  onImported: (name: string) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [features, setFeatures] = useState('');
  const [dataset, setDataset] = useState<DatasetChoice | null>(null);
  const [datasetVersion, setDatasetVersion] = useState<DatasetVersion | null>(null);
  const [label, setLabel] = useState<string | null>(null);
  const columns = datasetVersion?.columns.map((c) => c.name) ?? [];
  const importModel = useMutation({
    mutationFn: () =>
      client['models.import']({
        path: path.trim(),
        name: name.trim(),
        features: features.trim()
          ? features
              .split(',')
              .map((f) => f.trim())
              .filter(Boolean)
          : undefined,
      }),
    onSuccess: (result) => {
      notifications.show({
        color: 'green',
        message: `Imported ${result.model}@${result.version} (${result.producer}, opset ${result.opset})`,
      });
      void refreshAfter(queryClient, 'models.changed');
      onClose();
      onImported(result.model);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Import an ONNX model">
      <Stack gap="sm">
        <TextInput
          label="ONNX file"
          description="Full path of a .onnx file on this machine (PyTorch, scikit-learn, Keras exports)"
          placeholder="/home/me/model.onnx"
          value={path}
          onChange={(e) => setPath(e.currentTarget.value)}
          required
        />
        <TextInput
          label="Model name"
          description="A new version is added when the model exists"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label="Feature columns"
          description="For a model with one 2-D float input: its column order, comma separated"
          value={features}
          onChange={(e) => setFeatures(e.currentTarget.value)}
        />
        <Text size="xs" c="dimmed">
          Or take them from a dataset the model was trained on: its columns in order, without the label.
        </Text>
        <DatasetVersionPicker
          label="Columns from dataset"
          value={dataset}
          onChange={(choice) => {
            setDataset(choice);
            setLabel(null);
          }}
          onVersion={(version) => {
            setDatasetVersion(version);
            if (version)
              setFeatures(
                featuresFromColumns(
                  version.columns.map((c) => c.name),
                  null,
                ),
              );
          }}
          enabled={opened}
        />
        {datasetVersion && (
          <Select
            label="Label column to leave out"
            data={columns}
            value={label}
            onChange={(value) => {
              setLabel(value);
              setFeatures(featuresFromColumns(columns, value));
            }}
            nothingFoundMessage="Nothing found"
            searchable
            clearable
          />
        )}
        <ModalActions
          error={importModel.error}
          errorTitle="Not imported"
          onClose={onClose}
          submitLabel="Import"
          onSubmit={() => importModel.mutate()}
          loading={importModel.isPending}
          disabled={!path.trim() || !name.trim()}
        />
      </Stack>
    </Modal>
  );
}

/**
 * Importing an ONNX model: in the web shell the file is picked in the browser and uploaded to
 * `lathe serve` (POST /api/models/upload: a browser cannot hand over a path); in the desktop app the
 * picked file's path is read through the preload, or a path is typed. Feature names can come from a
 * dataset's columns.
 */
import { useState } from 'react';
import { FileInput, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import { refreshAfter } from '../../api/queries';
import type { DatasetVersion, ImportResult } from '../../../../shared/contract/index';
import { ClientError } from '../../api/client-error';
import { ModalActions } from './ModalActions';
import { DatasetVersionPicker, type DatasetChoice } from './DatasetVersionPicker';

/** A dataset's columns in order without the label, as an imported model's feature names. */
export function featuresFromColumns(columns: string[], label: string | null): string {
  return columns.filter((c) => c !== label).join(',');
}

/** Sends an .onnx file to the upload route (the page's token cookie authorises it); resolves with the import. */
async function uploadModel(file: File, name: string, features: string[] | undefined): Promise<ImportResult> {
  const query = new URLSearchParams({
    name,
    filename: file.name,
    ...(features ? { features: features.join(',') } : {}),
  });
  let response: Response;
  try {
    response = await fetch(`/api/models/upload?${query.toString()}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: file,
    });
  } catch {
    throw new ClientError({
      code: 'INTERNAL',
      message: 'The upload did not reach Lathe: is `lathe serve` still running?',
    });
  }
  const body = (await response.json().catch(() => ({}))) as { result?: ImportResult; error?: unknown };
  if (response.ok && body.result) return body.result;
  throw ClientError.from(body.error ?? { code: 'INTERNAL', message: `Upload failed with HTTP ${response.status}` });
}

/** A model name from a file name: `churn model.onnx` → `churn-model`. */
function nameFromFile(fileName: string): string {
  return fileName
    .replace(/\.onnx$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
}

/** Imports an ONNX file as a new model version: uploaded from the browser, or read by path in the desktop app. */
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
  const desktop = typeof window !== 'undefined' && window.lathe !== undefined;
  const [path, setPath] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [features, setFeatures] = useState('');
  const [dataset, setDataset] = useState<DatasetChoice | null>(null);
  const [datasetVersion, setDatasetVersion] = useState<DatasetVersion | null>(null);
  const [label, setLabel] = useState<string | null>(null);
  const columns = datasetVersion?.columns.map((c) => c.name) ?? [];
  const importModel = useMutation({
    mutationFn: () => {
      const featureList = features.trim()
        ? features
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean)
        : undefined;
      if (!desktop && file) return uploadModel(file, name.trim(), featureList);
      return client['models.import']({ path: path.trim(), name: name.trim(), features: featureList });
    },
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
        {desktop ? (
          <TextInput
            label="ONNX file"
            description="Full path of a .onnx file on this machine (PyTorch, scikit-learn, Keras exports)"
            placeholder="/home/me/model.onnx"
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            required
          />
        ) : (
          <FileInput
            label="ONNX file"
            description="A .onnx file (PyTorch, scikit-learn, Keras exports), uploaded to Lathe"
            placeholder="Choose a .onnx file"
            accept=".onnx"
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              if (chosen && !name.trim()) setName(nameFromFile(chosen.name));
            }}
            clearable
            required
          />
        )}
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
          disabled={(desktop ? !path.trim() : !file) || !name.trim()}
        />
      </Stack>
    </Modal>
  );
}

import { useMemo, useState } from 'react';
import {
  Alert,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import type { DatasetVersion } from '../../../../shared/contract/index';
import { methodKey, useLatheQuery } from '../../api/queries';
import { ModalActions } from './ModalActions';
import { choiceRef, DatasetVersionPicker, type DatasetChoice } from './DatasetVersionPicker';

/** Why Start is disabled, or null when the form can be sent. */
export function trainBlocker(state: { hasDatasets: boolean; dataset: DatasetChoice | null; target: string | null }) {
  if (!state.hasDatasets) return 'Add a dataset first';
  if (!state.dataset) return 'Choose a dataset';
  if (state.dataset.version === null) return 'Choose a version of the dataset';
  if (!state.target) return 'Choose the target column (what to predict)';
  return null;
}

/** The Train form: a dataset version, a target and the network's settings; starts a job and closes. */
export function TrainModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const datasets = useLatheQuery('datasets.list', {}, { enabled: opened });
  const backends = useLatheQuery('models.backends', {}, { enabled: opened, staleTime: Infinity });
  const [datasetVersion, setDatasetVersion] = useState<DatasetVersion | null>(null);
  const [dataset, setDatasetState] = useState<DatasetChoice | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  const [features, setFeatures] = useState<string[]>([]);
  const [task, setTask] = useState<'auto' | 'classification' | 'regression'>('auto');
  const [hidden, setHidden] = useState('64,64');
  const [epochs, setEpochs] = useState<number | string>(50);
  const [batchSize, setBatchSize] = useState<number | string>(128);
  const [learningRate, setLearningRate] = useState<number | string>(0.001);
  const [seed, setSeed] = useState<number | string>(42);
  const [patience, setPatience] = useState<number | string>(5);
  const [validationShare, setValidationShare] = useState<number | string>(0.15);
  const [experiment, setExperiment] = useState('Default');
  const [modelName, setModelName] = useState('');
  const [backend, setBackend] = useState<string | null>(null);

  const setDataset = (next: DatasetChoice | null) => {
    // Another dataset resets the columns; another version of the same one keeps them.
    if (dataset?.name !== next?.name) {
      setTarget(null);
      setFeatures([]);
    }
    setDatasetState(next);
  };
  const columns = useMemo(() => datasetVersion?.columns.map((c) => c.name) ?? [], [datasetVersion]);
  const start = useMutation({
    mutationFn: () => {
      const sizes = hidden
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number);
      if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('Hidden layers: give sizes such as 64,64');
      return client['models.train']({
        data: choiceRef(dataset) ?? '',
        target: target ?? '',
        task,
        features: features.length > 0 ? features : undefined,
        hidden: sizes,
        epochs: Number(epochs),
        batchSize: Number(batchSize),
        learningRate: Number(learningRate),
        seed: Number(seed),
        patience: Number(patience),
        validationShare: Number(validationShare),
        experiment: experiment.trim() || undefined,
        modelName: modelName.trim() || undefined,
        backend: (backend ?? undefined) as 'wasm' | undefined,
      });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: methodKey('models.trainingJobs') });
      onClose();
    },
  });
  const noDatasets = datasets.data && datasets.data.length === 0;

  return (
    <Modal opened={opened} onClose={onClose} title="Train a model" size="lg">
      <Stack gap="sm">
        {noDatasets && (
          <Alert color="yellow" title="No datasets yet">
            Add a dataset first (Datasets page, or <code>lathe data add FILE --name NAME</code>), then train on it here.
          </Alert>
        )}
        <DatasetVersionPicker value={dataset} onChange={setDataset} onVersion={setDatasetVersion} enabled={opened} />
        <SimpleGrid cols={2}>
          <Select
            label="Target column"
            placeholder="What to predict"
            data={columns}
            value={target}
            onChange={setTarget}
            disabled={!datasetVersion}
            nothingFoundMessage="Nothing found: no column by that name"
            searchable
            required
          />
          <NumberInput
            label="Validation share"
            description="Rows held out for early stopping (test: 15 %)"
            value={validationShare}
            onChange={setValidationShare}
            min={0.05}
            max={0.5}
            step={0.05}
            decimalScale={2}
          />
        </SimpleGrid>
        <MultiSelect
          label="Features"
          description="Leave empty to use every other column except free text and dates"
          data={columns.filter((c) => c !== target)}
          value={features}
          onChange={setFeatures}
          disabled={!target}
          nothingFoundMessage="Nothing found"
          searchable
          clearable
        />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Task
          </Text>
          <SegmentedControl
            value={task}
            onChange={(v) => setTask(v as typeof task)}
            data={[
              { value: 'auto', label: 'Auto' },
              { value: 'classification', label: 'Classification' },
              { value: 'regression', label: 'Regression' },
            ]}
          />
        </div>
        <SimpleGrid cols={3}>
          <TextInput
            label="Hidden layers"
            placeholder="64,64"
            value={hidden}
            onChange={(e) => setHidden(e.currentTarget.value)}
          />
          <NumberInput label="Epochs (max)" value={epochs} onChange={setEpochs} min={1} max={10000} />
          <NumberInput label="Batch size" value={batchSize} onChange={setBatchSize} min={1} max={65536} />
          <NumberInput
            label="Learning rate"
            value={learningRate}
            onChange={setLearningRate}
            min={0}
            step={0.0005}
            decimalScale={6}
          />
          <NumberInput label="Seed" value={seed} onChange={setSeed} min={0} />
          <NumberInput
            label="Patience"
            description="Epochs without a better val_loss"
            value={patience}
            onChange={setPatience}
            min={1}
            max={1000}
          />
          <Select
            label="Backend"
            placeholder="Best available"
            data={
              backends.data?.map((b) => ({
                value: b.name,
                label: b.available ? b.name : `${b.name} (not available)`,
                disabled: !b.available,
              })) ?? []
            }
            value={backend}
            onChange={setBackend}
            clearable
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          Layer sizes are comma separated. Training stops early when the validation loss has not improved for{' '}
          {String(patience) || 'patience'} epochs; the best epoch&apos;s weights are kept.
        </Text>
        <SimpleGrid cols={2}>
          <TextInput
            label="Experiment"
            description="Created when it does not exist"
            value={experiment}
            onChange={(e) => setExperiment(e.currentTarget.value)}
          />
          <TextInput
            label="Model name"
            description="Default: DATASET-TARGET"
            value={modelName}
            onChange={(e) => setModelName(e.currentTarget.value)}
          />
        </SimpleGrid>
        <ModalActions
          error={start.error}
          errorTitle="Cannot start training"
          onClose={onClose}
          submitLabel="Start training"
          onSubmit={() => start.mutate()}
          loading={start.isPending}
          disabledReason={trainBlocker({ hasDatasets: !noDatasets, dataset, target })}
        />
      </Stack>
    </Modal>
  );
}

import { useState } from 'react';
import { ActionIcon, Anchor, Badge, Button, Group, Modal, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { TrainingJob } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { LossChart } from './LossChart';
import { etaText } from '../../../../shared/training-eta';
import { differingSettings, durationText, loadDismissed, saveDismissed } from './job-differences';

const statusColor = { running: 'blue', finished: 'green', failed: 'red', killed: 'gray' } as const;

function fraction(job: TrainingJob): number {
  const p = job.progress;
  if (job.status === 'finished') return 1;
  if (!p || p.phase !== 'training' || p.batches === 0 || p.epochs === 0)
    return p?.phase === 'evaluating' || p?.phase === 'saving' ? 1 : 0;
  return (p.epoch - 1 + p.batch / p.batches) / p.epochs;
}

/** Running and recent training jobs with live progress, and a confirmed cancel. */
export function TrainingJobs({ jobs }: { jobs: TrainingJob[] }) {
  const client = useClient();
  const [confirming, setConfirming] = useState<TrainingJob | null>(null);
  const [dismissed, setDismissed] = useState<Set<string>>(loadDismissed);
  const dismiss = (jobId: string) => {
    const next = new Set(dismissed).add(jobId);
    saveDismissed(next);
    setDismissed(next);
  };
  const shown = jobs.filter((j) => !dismissed.has(j.jobId)).slice(0, 5);
  const cancel = useMutation({
    mutationFn: (jobId: string) => client['models.cancelTraining']({ jobId }),
    onSettled: () => setConfirming(null),
    onError: (error) =>
      notifications.show({ title: 'Could not cancel', message: ClientError.from(error).message, color: 'red' }),
  });
  if (shown.length === 0) return null;
  return (
    <Stack gap="xs" aria-label="Training jobs">
      {shown.map((job) => {
        const p = job.progress;
        const differences = job.status === 'running' ? [] : differingSettings(job, shown);
        return (
          <Paper key={job.jobId} withBorder p="sm" data-testid="training-job">
            <Group justify="space-between" wrap="nowrap" mb={6}>
              <Group gap="xs">
                <Badge color={statusColor[job.status]} variant="light">
                  {job.status}
                </Badge>
                <Text size="sm" fw={500}>
                  {job.data} → {job.target}
                </Text>
                {p?.backend && (
                  <Badge variant="outline" size="sm">
                    {p.backend}
                  </Badge>
                )}
              </Group>
              {job.status === 'running' && (
                <Button size="compact-sm" variant="light" color="red" onClick={() => setConfirming(job)}>
                  Cancel
                </Button>
              )}
              {job.status !== 'running' && (
                <Group gap="xs" wrap="nowrap">
                  {job.status === 'finished' && job.result && (
                    <Anchor component={Link} to={`/models/${encodeURIComponent(job.result.model)}`} size="sm">
                      Open {job.result.model}@{job.result.version}
                    </Anchor>
                  )}
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={`Dismiss ${job.data} → ${job.target}`}
                    onClick={() => dismiss(job.jobId)}
                  >
                    <IconX size={16} />
                  </ActionIcon>
                </Group>
              )}
            </Group>
            {job.status !== 'running' && (
              <Text size="xs" c="dimmed" data-testid="training-differences">
                {[durationText(job), ...differences].filter(Boolean).join(' · ')}
              </Text>
            )}
            {job.status === 'running' && (
              <Progress value={fraction(job) * 100} animated aria-label="Training progress" />
            )}
            <Text size="xs" c="dimmed" mt={4} data-testid="training-status">
              {job.status === 'running' && p
                ? p.phase === 'training'
                  ? [
                      `epoch ${p.epoch}/${p.epochs}`,
                      `batch ${p.batch}/${p.batches}`,
                      p.loss !== null ? `loss ${p.loss.toFixed(4)}` : '',
                      p.valLoss !== null ? `val_loss ${p.valLoss.toFixed(4)}` : '',
                      p.valMetric !== null && p.valMetricName ? `${p.valMetricName} ${p.valMetric.toFixed(4)}` : '',
                      etaText(p),
                    ]
                      .filter(Boolean)
                      .join(' · ')
                  : `${p.phase}…`
                : job.status === 'finished' && job.result
                  ? Object.entries(job.result.metrics)
                      .filter(([k]) => ['accuracy', 'roc_auc', 'rmse', 'r2'].includes(k))
                      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                      .join(' · ')
                  : job.status === 'killed'
                    ? `Cancelled; the run ended KILLED${job.runId ? ` (run ${job.runId.slice(0, 8)})` : ''}`
                    : (job.error ?? 'starting…')}
            </Text>
            {job.runId && job.status !== 'killed' && job.status !== 'failed' && (p?.epoch ?? 0) >= 2 && (
              <LossChart runId={job.runId} epoch={p?.epoch ?? 0} />
            )}
          </Paper>
        );
      })}
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title="Cancel training?" centered>
        <Text size="sm" mb="md">
          Training on {confirming?.data} stops now. Its run ends KILLED and no model version is saved.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(null)}>
            Keep training
          </Button>
          <Button color="red" loading={cancel.isPending} onClick={() => confirming && cancel.mutate(confirming.jobId)}>
            Cancel training
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

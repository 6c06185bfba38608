/** Live training jobs: the list from the core, patched in the query cache by progress and finish events. */
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { TrainingJob } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { queryKey, useLatheQuery } from '../../api/queries';

const jobsKey = queryKey('models.trainingJobs', {});

/** Running and recently finished jobs of the core, newest first, updated live. */
export function useTrainingJobs(): TrainingJob[] {
  const client = useClient();
  const queryClient = useQueryClient();
  const list = useLatheQuery('models.trainingJobs', {});

  useEffect(() => {
    const patch = (jobId: string, update: (job: TrainingJob) => TrainingJob, whole?: TrainingJob) => {
      const current = queryClient.getQueryData<TrainingJob[]>(jobsKey);
      if (!current || !current.some((j) => j.jobId === jobId)) {
        // A job started elsewhere (another window, the CLI through serve): fetch the list again.
        if (whole && current) queryClient.setQueryData<TrainingJob[]>(jobsKey, [whole, ...current]);
        else void queryClient.invalidateQueries({ queryKey: jobsKey });
        return;
      }
      queryClient.setQueryData<TrainingJob[]>(
        jobsKey,
        current.map((j) => (j.jobId === jobId ? update(j) : j)),
      );
    };
    const offProgress = client.on('models.trainingProgress', (progress) =>
      patch(progress.jobId, (job) => ({ ...job, progress })),
    );
    const offFinished = client.on('models.trainingFinished', (job) => {
      // The new model and run are refreshed by the events table (api/queries.ts).
      patch(job.jobId, () => job, job);
    });
    return () => {
      offProgress();
      offFinished();
    };
  }, [client, queryClient]);

  return [...(list.data ?? [])].sort((a, b) => b.startedAt - a.startedAt);
}

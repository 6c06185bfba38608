/**
 * Shows a pipeline's `notify` step messages in the app wherever the user is (the desktop shell also raises a
 * system notification), as the drift monitors' alerts are shown.
 */
import { useEffect } from 'react';
import { notifications } from '@mantine/notifications';
import { useClient } from '../../api/hooks';

const colors = { info: 'blue', warn: 'yellow', error: 'red' } as const;

/** Subscribes to `pipelines.notification` for the whole app (8 s on screen: a message is read, not glanced at). */
export function PipelineNotifier() {
  const client = useClient();
  useEffect(
    () =>
      client.on('pipelines.notification', (note) =>
        notifications.show({ title: 'Pipeline', message: note.message, color: colors[note.level], autoClose: 8000 }),
      ),
    [client],
  );
  return null;
}

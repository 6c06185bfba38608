import { Alert, Button, Group, Text } from '@mantine/core';
import { ClientError } from '../../api/client-error';

/** The end of a models form: the failed request's message, why submit is disabled, then Close and submit. */
export function ModalActions({
  error,
  errorTitle,
  onClose,
  submitLabel,
  onSubmit,
  loading,
  disabled = false,
  disabledReason = null,
}: {
  error: unknown;
  errorTitle: string;
  onClose: () => void;
  submitLabel: string;
  onSubmit: () => void;
  loading: boolean;
  disabled?: boolean;
  /** Why submit is disabled, said beside the button (the button is disabled whenever this is set). */
  disabledReason?: string | null;
}) {
  return (
    <>
      {error != null && (
        <Alert color="red" title={errorTitle}>
          {ClientError.from(error).message}
        </Alert>
      )}
      <Group justify="flex-end">
        {disabledReason && (
          <Text size="sm" c="dimmed" data-testid="submit-blocked">
            {disabledReason}
          </Text>
        )}
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button onClick={onSubmit} loading={loading} disabled={disabled || disabledReason !== null}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}

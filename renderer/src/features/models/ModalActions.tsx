import { Alert, Button, Group } from '@mantine/core';
import { ClientError } from '../../api/client-error';

/** The end of a models form: the failed request's message, then Close and the submit button. */
export function ModalActions({
  error,
  errorTitle,
  onClose,
  submitLabel,
  onSubmit,
  loading,
  disabled,
}: {
  error: unknown;
  errorTitle: string;
  onClose: () => void;
  submitLabel: string;
  onSubmit: () => void;
  loading: boolean;
  disabled: boolean;
}) {
  return (
    <>
      {error != null && (
        <Alert color="red" title={errorTitle}>
          {ClientError.from(error).message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button onClick={onSubmit} loading={loading} disabled={disabled}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}

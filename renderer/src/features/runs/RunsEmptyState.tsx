/**
 * An experiment without runs: the exact lines that point an MLflow script at this Lathe (its address and
 * token, read from the running server), ready to copy, and where the full guide is.
 */
import { Anchor, Button, Code, CopyButton, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useLatheQuery } from '../../api/queries';

/** The shell lines for one server and experiment. */
export function trackingLines(uri: string, token: string, experiment: string): string {
  return [
    `export MLFLOW_TRACKING_URI=${uri}`,
    `export MLFLOW_TRACKING_TOKEN=${token}`,
    `# then, in Python: mlflow.set_experiment(${JSON.stringify(experiment)})`,
  ].join('\n');
}

/** The empty runs table's message. */
export function RunsEmptyState({ experiment }: { experiment: string }) {
  const connection = useLatheQuery('app.trackingConnection', {});
  const { uri, token } = connection.data ?? { uri: null, token: null };
  const lines = uri && token ? trackingLines(uri, token, experiment) : null;
  return (
    <Paper withBorder p="xl">
      <Stack align="center" gap="sm">
        <Title order={4}>No runs yet</Title>
        <Text c="dimmed" size="sm" maw={640} ta="center">
          Point an existing MLflow script at Lathe and its runs appear here live. Paste these lines in the shell that
          runs it:
        </Text>
        {lines ? (
          <Stack gap={6} align="center" maw="100%">
            <Code block data-testid="tracking-lines" style={{ maxWidth: '100%', overflowX: 'auto' }}>
              {lines}
            </Code>
            <CopyButton value={lines}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy the lines'}
                </Button>
              )}
            </CopyButton>
          </Stack>
        ) : (
          <Text size="sm" maw={640} ta="center" data-testid="tracking-lines">
            No <Code>lathe serve</Code> is running for this store. Start one (<Code>lathe serve</Code>), then set{' '}
            <Code>MLFLOW_TRACKING_URI</Code> to its address and <Code>MLFLOW_TRACKING_TOKEN</Code> to the token in{' '}
            <Code>{connection.data?.serverFile ?? 'server.json'}</Code>.
          </Text>
        )}
        <Text c="dimmed" size="xs">
          The whole guide (artifacts, models, what MLflow calls are supported):{' '}
          <Anchor component={Link} to="/docs/mlflow" size="xs">
            docs/mlflow.md
          </Anchor>
        </Text>
      </Stack>
    </Paper>
  );
}

/**
 * Pipelines (issue 16 item 4): the list (/pipelines) with each pipeline's triggers, last run and next
 * scheduled start; a new definition (/pipelines/-/new, the editor opened on a sample); one pipeline
 * (/pipelines/NAME: its DAG with live step status, definition, run history, Run now and Cancel); and one
 * run (/pipelines/NAME/runs/ID: steps, inputs and outputs, logs, lineage). Live status comes from the
 * core's pipeline events through the invalidation table (api/queries.ts).
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconPlus, IconTimeline } from '@tabler/icons-react';
import { Link, Route, Routes, useNavigate } from 'react-router';
import type { PipelineSummary } from '../../../../shared/contract/index';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { PageHeader, PageLayout } from '../../components/Page';
import { DefinitionEditor } from './DefinitionEditor';
import { PipelinePage } from './PipelinePage';
import { PipelineRunPage } from './PipelineRunPage';
import { StatusBadge } from './StatusBadge';
import { sampleDefinition } from './sample';
import { eventTriggers, nextScheduledAt } from './schedule';
import { shortId, timeText } from './run-format';
import { useNow } from './useNow';

/** The pipelines section and its pages. */
export function PipelinesPage() {
  return (
    <Routes>
      <Route index element={<PipelineList />} />
      <Route path="-/new" element={<NewPipeline />} />
      <Route path=":name" element={<PipelinePage />} />
      <Route path=":name/runs/:runId" element={<PipelineRunPage />} />
    </Routes>
  );
}

function PipelineList() {
  const navigate = useNavigate();
  const list = useLatheQuery('pipelines.list', {});
  useHotkeys([['n', () => navigate('/pipelines/-/new')]]);
  const now = useNow(false);
  return (
    <PageLayout>
      <PageHeader
        title="Pipelines"
        description="Continuous training and monitoring: steps that pass their outputs by name, started by hand, on a schedule, by new files, by a monitor's alert or by another pipeline's end."
        actions={
          <Tooltip label="Shortcut: N">
            <Button component={Link} to="/pipelines/-/new" leftSection={<IconPlus size={16} />}>
              New pipeline
            </Button>
          </Tooltip>
        }
      />
      {list.isPending && <Loader size="sm" aria-label="Loading pipelines" />}
      {list.isError && (
        <Alert color="red" title="Could not list the pipelines">
          {ClientError.from(list.error).message}
        </Alert>
      )}
      {list.data?.length === 0 && <NoPipelines />}
      {list.data && list.data.length > 0 && (
        <Table highlightOnHover aria-label="Pipelines" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Steps</Table.Th>
              <Table.Th>Triggers</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th>Next scheduled</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((pipeline) => (
              <PipelineRow key={pipeline.name} pipeline={pipeline} now={now} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </PageLayout>
  );
}

/** The empty list: what a pipeline is, the two ways to add one, and a sample definition beside them. */
function NoPipelines() {
  return (
    <Paper withBorder p="xl" data-testid="pipelines-empty">
      <SimpleGrid cols={2} spacing="xl">
        <Stack gap="sm">
          <Group gap="xs">
            <IconTimeline size={28} stroke={1.4} />
            <Title order={4}>No pipelines yet</Title>
          </Group>
          <Text size="sm">
            A pipeline is a YAML definition: the <Code>triggers</Code> that start it (by hand, a cron schedule, new
            files in a folder, a monitor&apos;s alert, another pipeline&apos;s end) and its <Code>steps</Code>: ingest,
            validate-data, train, evaluate, validate, gate, promote, export, monitor and notify. A step takes earlier
            steps&apos; outputs as <Code>{'${{ steps.ID.outputs.NAME }}'}</Code> and runs once they are ready.
          </Text>
          <Text size="sm">
            Add one with <b>New pipeline</b> (it opens on this sample, checked as you type), or from a file:{' '}
            <Code>lathe pipeline add FILE.yaml</Code>. Every run and step is kept with its inputs, outputs and log, and
            survives a restart.
          </Text>
          <Group mt="xs">
            <Button component={Link} to="/pipelines/-/new" leftSection={<IconPlus size={16} />}>
              New pipeline from the sample
            </Button>
          </Group>
        </Stack>
        <Stack gap={4}>
          <Text size="xs" c="dimmed" fw={600}>
            SAMPLE: INGEST A FILE, THEN ANNOUNCE IT
          </Text>
          <Code block data-testid="pipeline-sample" style={{ fontSize: 12 }}>
            {sampleDefinition}
          </Code>
        </Stack>
      </SimpleGrid>
    </Paper>
  );
}

function PipelineRow({ pipeline, now }: { pipeline: PipelineSummary; now: number }) {
  const next = nextScheduledAt(pipeline.triggers, now);
  const waiting = eventTriggers(pipeline.triggers);
  const last = pipeline.lastRun;
  return (
    <Table.Tr data-testid={`pipeline-row-${pipeline.name}`}>
      <Table.Td>
        <Anchor component={Link} to={`/pipelines/${encodeURIComponent(pipeline.name)}`} fw={600}>
          {pipeline.name}
        </Anchor>
        {pipeline.description && (
          <Text size="xs" c="dimmed" lineClamp={1} maw={360}>
            {pipeline.description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{pipeline.stepCount}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          {pipeline.triggers.map((trigger, index) => (
            <Tooltip key={index} label={trigger.detail}>
              <Badge variant="light" color="gray" style={{ textTransform: 'none', maxWidth: 260 }}>
                {trigger.detail}
              </Badge>
            </Tooltip>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        {last ? (
          <Group gap={6} wrap="nowrap">
            <StatusBadge status={last.status} />
            <Anchor
              component={Link}
              size="sm"
              to={`/pipelines/${encodeURIComponent(pipeline.name)}/runs/${encodeURIComponent(last.id)}`}
            >
              {timeText(last.startedAt ?? last.createdAt)}
            </Anchor>
            <Text size="xs" c="dimmed" className="mono">
              {shortId(last.id)}
            </Text>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            never run
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {next !== null ? (
          <Text size="sm">{timeText(next)}</Text>
        ) : waiting.length > 0 ? (
          <Text size="sm" c="dimmed">
            on {waiting.join('; ')}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            by hand only
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function NewPipeline() {
  const navigate = useNavigate();
  return (
    <PageLayout>
      <PageHeader
        title="New pipeline"
        back={{ to: '/pipelines', label: 'Pipelines' }}
        description="Start from the sample: it is checked as you type, and problems show on their line. Save stores it under its name."
      />
      <DefinitionEditor
        initial={sampleDefinition}
        onSaved={(saved) => navigate(`/pipelines/${encodeURIComponent(saved.name)}`)}
        height={440}
      />
    </PageLayout>
  );
}

/**
 * One validation report in the app: the verdict, every check with what was measured against which bound,
 * the worst slices of slice checks, and buttons to open or save the standalone HTML report the core stored.
 */
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import type { ValidationCheckResult, ValidationReport } from '../../../../shared/contract/index';
import { formatNumber } from '../../../../shared/format';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';

function Verdict({ check }: { check: ValidationCheckResult }) {
  if (check.skipped)
    return (
      <Badge color="gray" variant="light">
        skipped
      </Badge>
    );
  return (
    <Badge color={check.passed ? 'green' : 'red'} variant={check.passed ? 'light' : 'filled'}>
      {check.passed ? 'pass' : 'fail'}
    </Badge>
  );
}

function Slices({ check }: { check: ValidationCheckResult }) {
  const slices = check.slices ?? [];
  if (slices.length === 0) return null;
  return (
    <Table withTableBorder={false} verticalSpacing={2} fz="xs" mt={4} maw={420} aria-label={`slices of ${check.name}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>slice (worst first)</Table.Th>
          <Table.Th ta="right">rows</Table.Th>
          <Table.Th ta="right">metric</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {slices.slice(0, 8).map((slice) => (
          <Table.Tr key={slice.value}>
            <Table.Td>{slice.value}</Table.Td>
            <Table.Td ta="right">{slice.rows.toLocaleString()}</Table.Td>
            <Table.Td ta="right" ff="monospace">
              {formatNumber(slice.metric)}
            </Table.Td>
            <Table.Td>
              <Text size="xs" c={slice.passed ? 'green.8' : 'red.7'} fw={600}>
                {slice.passed ? 'ok' : 'below'}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The report, full width. */
export function ValidationReportView({ report }: { report: ValidationReport }) {
  const client = useClient();
  const passed = report.checks.filter((check) => check.passed).length;
  const html = useMutation({
    mutationFn: (mode: 'open' | 'save') =>
      client['validation.html']({ id: report.id }).then((file) => ({ file, mode })),
    onSuccess: ({ file, mode }) => {
      const url = URL.createObjectURL(new Blob([file.html], { type: 'text/html' }));
      if (mode === 'open') window.open(url, '_blank', 'noopener');
      else {
        const link = document.createElement('a');
        link.href = url;
        link.download = file.fileName;
        link.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
    onError: (error) =>
      notifications.show({ title: 'HTML report failed', message: ClientError.from(error).message, color: 'red' }),
  });
  return (
    <Stack gap="sm" data-testid="validation-report">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Badge size="lg" color={report.passed ? 'green' : 'red'} variant="filled" data-testid="validation-verdict">
              {report.passed ? 'Passed' : 'Failed'}
            </Badge>
            <Text fw={600}>
              {passed} of {report.checks.length} checks passed · suite {report.suite.name}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            {report.model.ref} · holdout{' '}
            {report.holdout ? `${report.holdout.label} (${report.holdout.rows} rows)` : '—'} · baseline{' '}
            {report.baseline?.ref ?? '—'} · {new Date(report.createdAt).toLocaleString()} · {report.seconds.toFixed(1)}{' '}
            s
          </Text>
        </div>
        <Group gap="xs">
          <Button variant="light" size="xs" onClick={() => html.mutate('open')} loading={html.isPending}>
            Open HTML report
          </Button>
          <Button variant="default" size="xs" onClick={() => html.mutate('save')}>
            Save HTML
          </Button>
        </Group>
      </Group>
      <Table striped verticalSpacing="xs" fz="sm" aria-label="checks">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={80}>Verdict</Table.Th>
            <Table.Th>Check</Table.Th>
            <Table.Th ta="right">Measured</Table.Th>
            <Table.Th ta="right">Bound</Table.Th>
            <Table.Th>Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.checks.map((check) => (
            <Table.Tr key={check.name}>
              <Table.Td>
                <Verdict check={check} />
              </Table.Td>
              <Table.Td ff="monospace" fz="xs">
                {check.name}
              </Table.Td>
              <Table.Td ta="right" ff="monospace">
                {formatNumber(check.measured)}
              </Table.Td>
              <Table.Td ta="right" ff="monospace">
                {formatNumber(check.bound)}
              </Table.Td>
              <Table.Td>
                <Text size="xs">{check.detail}</Text>
                <Slices check={check} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

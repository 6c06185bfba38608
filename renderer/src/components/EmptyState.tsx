/** What an empty list shows: what the thing is for, and the ways to make the first one (UI, CLI, code). */
import type { ReactNode } from 'react';
import { Group, Paper, Stack, Text, Title } from '@mantine/core';

export function EmptyState({
  icon,
  title,
  children,
  actions,
}: {
  icon?: ReactNode;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Paper withBorder p="xl" ta="center">
      <Stack align="center" gap="xs">
        {icon}
        <Title order={4}>{title}</Title>
        <Text c="dimmed" size="sm" maw={600}>
          {children}
        </Text>
        {actions && <Group mt="sm">{actions}</Group>}
      </Stack>
    </Paper>
  );
}

/**
 * One layout for every page (issue 15, "One layout"): the same maximum width, a header with an optional
 * way back, the title and what it is, and the page's actions always at the header's right. Pages wrap
 * their content in <PageLayout> and start it with <PageHeader> instead of laying out their own.
 */
import type { ReactNode } from 'react';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link } from 'react-router';

/** The width every page shares: wide enough for tables at 1440 px, capped so lines stay readable on big screens. */
export const pageWidth = 1400;

/** The frame of a page: one width, one vertical rhythm. Extra props (drop handlers) go to the frame. */
export function PageLayout({
  children,
  ...rest
}: { children: ReactNode } & Omit<React.HTMLAttributes<HTMLDivElement>, 'children' | 'title'>) {
  return (
    <Stack gap="md" maw={pageWidth} w="100%" data-testid="page" {...rest}>
      {children}
    </Stack>
  );
}

/** The top of a page: back link, title with its badges, a line of detail, and the actions on the right. */
export function PageHeader({
  title,
  badges,
  description,
  back,
  actions,
}: {
  title: ReactNode;
  /** Shown right of the title (a version badge, a status). */
  badges?: ReactNode;
  /** One dimmed line (or a few) under the title. */
  description?: ReactNode;
  /** A link back up, shown above the title. */
  back?: { to: string; label: string };
  /** Buttons; always at the right of the header, top-aligned. */
  actions?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md" data-testid="page-header">
      <Stack gap={2} style={{ minWidth: 0 }}>
        {back && (
          <Button
            component={Link}
            to={back.to}
            variant="subtle"
            size="compact-sm"
            leftSection={<IconArrowLeft size={14} />}
            w="fit-content"
            ml={-8}
          >
            {back.label}
          </Button>
        )}
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <Title order={2} style={{ overflowWrap: 'anywhere' }}>
            {title}
          </Title>
          {badges}
        </Group>
        {description && (
          <Text size="sm" c="dimmed" component="div">
            {description}
          </Text>
        )}
      </Stack>
      {actions && (
        <Group gap="xs" wrap="nowrap" style={{ flex: 'none' }} data-testid="page-actions">
          {actions}
        </Group>
      )}
    </Group>
  );
}

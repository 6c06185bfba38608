/** A run's or step's status as a coloured badge (colours and words from pipeline-graph.ts's one table). */
import { Badge } from '@mantine/core';
import { styleOfStatus } from './pipeline-graph';

/** The status badge; `data-status` carries the raw status for tests and styles. */
export function StatusBadge({ status, size = 'sm' }: { status: string; size?: 'xs' | 'sm' | 'md' }) {
  const style = styleOfStatus(status);
  return (
    <Badge color={style.color} variant="light" size={size} data-status={status}>
      {style.label}
    </Badge>
  );
}

/** The aliases that point at a version (champion, production…) as badges, so a versions table shows them at a glance. */
import { Badge, Group } from '@mantine/core';

/** Badges for a version's aliases; nothing when it has none. */
export function AliasBadges({ aliases }: { aliases: readonly string[] }) {
  if (aliases.length === 0) return null;
  return (
    <Group gap={4} component="span" style={{ display: 'inline-flex' }}>
      {aliases.map((alias) => (
        <Badge key={alias} size="xs" variant="filled" color={aliasColor(alias)} tt="none" aria-label={`alias ${alias}`}>
          @{alias}
        </Badge>
      ))}
    </Group>
  );
}

/** A stable colour per alias name, so "champion" keeps its colour on every page. */
export function aliasColor(alias: string): string {
  const palette = ['teal', 'orange', 'violet', 'cyan', 'pink', 'lime', 'indigo', 'yellow'];
  let hash = 0;
  for (const char of alias) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}

/** A model's aliases with the version each points at (the models list). */
export function ModelAliases({ aliases }: { aliases: Readonly<Record<string, number>> }) {
  const entries = Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <>–</>;
  return (
    <Group gap={4}>
      {entries.map(([alias, version]) => (
        <Badge key={alias} size="sm" variant="light" color={aliasColor(alias)} tt="none">
          @{alias} → {version}
        </Badge>
      ))}
    </Group>
  );
}

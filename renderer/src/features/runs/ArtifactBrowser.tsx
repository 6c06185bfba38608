/** A run's artifacts: a folder list on the left, a preview on the right (text, JSON, images, the head of a CSV). */
import { useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Breadcrumbs,
  Code,
  Group,
  Image,
  Loader,
  NavLink,
  Paper,
  ScrollArea,
  Table,
  Text,
} from '@mantine/core';
import { IconFile, IconFolder } from '@tabler/icons-react';
import { useLatheQuery } from '../../api/queries';
import { bytesText } from './format';

/** Browses the artifacts of one run. */
export function ArtifactBrowser({ runId }: { runId: string }) {
  const [directory, setDirectory] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const entries = useLatheQuery('runs.artifacts', { runId, path: directory || undefined });
  const preview = useLatheQuery('runs.artifactPreview', { runId, path: file ?? '' }, { enabled: file !== null });
  const parts = directory ? directory.split('/') : [];

  if (entries.data && entries.data.length === 0 && directory === '') {
    return (
      <Text c="dimmed" size="sm">
        No artifacts. Log some with <Code>mlflow.log_artifact("file")</Code> or <Code>mlflow.log_dict(...)</Code>.
      </Text>
    );
  }
  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      <Paper withBorder w={300} p={4}>
        <Breadcrumbs separator="/" px="xs" py={4}>
          <Anchor component="button" size="xs" onClick={() => setDirectory('')}>
            artifacts
          </Anchor>
          {parts.map((part, i) => (
            <Anchor component="button" key={i} size="xs" onClick={() => setDirectory(parts.slice(0, i + 1).join('/'))}>
              {part}
            </Anchor>
          ))}
        </Breadcrumbs>
        {entries.isPending && <Loader size="xs" m="xs" />}
        <ScrollArea.Autosize mah={420}>
          {entries.data?.map((entry) => {
            const name = entry.path.split('/').pop()!;
            return (
              <NavLink
                component="button"
                key={entry.path}
                label={name}
                description={entry.isDir ? undefined : bytesText(entry.size)}
                leftSection={entry.isDir ? <IconFolder size={16} /> : <IconFile size={16} />}
                active={file === entry.path}
                onClick={() => (entry.isDir ? setDirectory(entry.path) : setFile(entry.path))}
              />
            );
          })}
        </ScrollArea.Autosize>
      </Paper>
      <Paper withBorder p="sm" style={{ flex: 1, minWidth: 0 }} mih={200}>
        {file === null && (
          <Text c="dimmed" size="sm">
            Pick a file to preview it.
          </Text>
        )}
        {preview.isPending && file !== null && <Loader size="sm" />}
        {preview.isError && <Alert color="red">{preview.error.message}</Alert>}
        {preview.data && <Preview {...preview.data} />}
      </Paper>
    </Group>
  );
}

function Preview(props: {
  path: string;
  size: number;
  truncated: boolean;
  kind: string;
  mime: string;
  encoding: string;
  content: string;
}) {
  const note = props.truncated ? (
    <Text size="xs" c="dimmed" mb={4}>
      Showing the first part of {bytesText(props.size)}.
    </Text>
  ) : null;
  const csv = useMemo(
    () => (props.kind === 'csv' ? parseCsvHead(props.content, props.path.endsWith('.tsv') ? '\t' : ',') : []),
    [props],
  );
  if (props.kind === 'image')
    return <Image src={`data:${props.mime};base64,${props.content}`} alt={props.path} fit="contain" mah={480} />;
  if (props.kind === 'binary')
    return (
      <Text size="sm" c="dimmed">
        {props.path}: {bytesText(props.size)} of binary data (no preview).
      </Text>
    );
  if (props.kind === 'csv') {
    const [head, ...body] = csv;
    return (
      <>
        {note}
        <ScrollArea>
          <Table striped withTableBorder fz="xs" aria-label={`Preview of ${props.path}`}>
            <Table.Thead>
              <Table.Tr>
                {head?.map((h, i) => (
                  <Table.Th key={i}>{h}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {body.map((r, i) => (
                <Table.Tr key={i}>
                  {r.map((c, j) => (
                    <Table.Td key={j}>{c}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        <Text size="xs" c="dimmed" mt={4}>
          First {body.length} rows.
        </Text>
      </>
    );
  }
  let text = props.content;
  if (props.kind === 'json' && !props.truncated) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // show as written
    }
  }
  return (
    <>
      {note}
      <ScrollArea.Autosize mah={480}>
        <Code block aria-label={`Preview of ${props.path}`}>
          {text}
        </Code>
      </ScrollArea.Autosize>
    </>
  );
}

/** The first 50 rows of a CSV, with quoted fields. */
function parseCsvHead(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < 51; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if ((cell !== '' || row.length) && rows.length < 51) rows.push([...row, cell]);
  return rows;
}

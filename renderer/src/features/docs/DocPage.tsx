/**
 * The repository's guides readable inside the app (issue 15, "Runs empty state … links docs/mlflow.md"):
 * the Markdown file is bundled as text by Vite (`?raw`) and rendered as React elements, never as HTML.
 */
import { Fragment } from 'react';
import { Code, List, Paper, Table, Text, Title } from '@mantine/core';
import mlflowGuide from '../../../../docs/mlflow.md?raw';
import { PageHeader, PageLayout } from '../../components/Page';
import { parseInline, parseMarkdown, type MarkdownBlock } from './markdown';

/** Inline text with its code spans. */
function Inline({ text }: { text: string }) {
  return (
    <>
      {parseInline(text).map((part, index) =>
        part.kind === 'code' ? <Code key={index}>{part.text}</Code> : <Fragment key={index}>{part.text}</Fragment>,
      )}
    </>
  );
}

function Block({ block }: { block: MarkdownBlock }) {
  switch (block.kind) {
    case 'heading':
      return (
        <Title order={Math.min(block.level + 1, 6) as 2 | 3 | 4 | 5 | 6} mt="sm">
          <Inline text={block.text} />
        </Title>
      );
    case 'code':
      return (
        <Code block style={{ overflowX: 'auto' }}>
          {block.text}
        </Code>
      );
    case 'table':
      return (
        <Table withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              {block.header.map((cell, index) => (
                <Table.Th key={index}>
                  <Inline text={cell} />
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {block.rows.map((row, rowIndex) => (
              <Table.Tr key={rowIndex}>
                {row.map((cell, index) => (
                  <Table.Td key={index}>
                    <Inline text={cell} />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      );
    case 'list':
      return (
        <List size="sm" spacing={4}>
          {block.items.map((item, index) => (
            <List.Item key={index}>
              <Inline text={item} />
            </List.Item>
          ))}
        </List>
      );
    case 'paragraph':
      return (
        <Text size="sm">
          <Inline text={block.text} />
        </Text>
      );
  }
}

/** docs/mlflow.md: how to log into Lathe from MLflow scripts. */
export function MlflowGuidePage() {
  const [first, ...rest] = parseMarkdown(mlflowGuide);
  const title = first?.kind === 'heading' ? first.text : 'MLflow guide';
  const blocks = first?.kind === 'heading' ? rest : parseMarkdown(mlflowGuide);
  return (
    <PageLayout>
      <PageHeader title={title} description="docs/mlflow.md" back={{ to: '/experiments', label: 'Experiments' }} />
      <Paper withBorder p="md" maw={960}>
        {blocks.map((block, index) => (
          <div key={index} style={{ marginBottom: 'var(--mantine-spacing-sm)' }}>
            <Block block={block} />
          </div>
        ))}
      </Paper>
    </PageLayout>
  );
}

/**
 * The suite's YAML in an editor with line numbers, and the suite's problems (from `validation.checkSuite`,
 * the same checks a run makes) listed under it by line; choosing a problem puts the cursor on its line. A
 * plain textarea keeps every keyboard habit (Tab moves focus; nothing is captured).
 */
import { useRef } from 'react';
import { Alert, Box, Group, List, Text, UnstyledButton } from '@mantine/core';
import type { SuiteProblem } from '../../../../shared/contract/index';

const lineHeight = 20;

/** Places the cursor at the start of `line` (1-based) and scrolls it into view. */
function goToLine(area: HTMLTextAreaElement, line: number): void {
  const lines = area.value.split('\n');
  const offset = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
  area.focus();
  area.setSelectionRange(offset, offset + (lines[line - 1]?.length ?? 0));
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/** The editor and its problems. */
export function SuiteEditor({
  value,
  onChange,
  problems,
  checking,
}: {
  value: string;
  onChange: (text: string) => void;
  problems: SuiteProblem[];
  checking: boolean;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = Math.max(1, value.split('\n').length);
  const badLines = new Set(problems.map((problem) => problem.line));
  return (
    <Box>
      <Text size="sm" fw={500} mb={4} component="label" htmlFor="suite-yaml">
        Suite (YAML)
      </Text>
      <Box
        style={{
          display: 'flex',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 4,
          height: 300,
          overflow: 'hidden',
          fontFamily: 'var(--mantine-font-family-monospace)',
          fontSize: 13,
          lineHeight: `${lineHeight}px`,
        }}
      >
        <div
          ref={gutter}
          aria-hidden
          style={{
            overflow: 'hidden',
            padding: '6px 8px',
            textAlign: 'right',
            color: 'var(--mantine-color-dimmed)',
            background: 'var(--mantine-color-default-hover)',
            userSelect: 'none',
            minWidth: 40,
          }}
        >
          {Array.from({ length: lineCount }, (_, index) => (
            <div
              key={index}
              style={badLines.has(index + 1) ? { color: 'var(--mantine-color-red-7)', fontWeight: 700 } : undefined}
            >
              {index + 1}
            </div>
          ))}
        </div>
        <textarea
          id="suite-yaml"
          ref={area}
          value={value}
          spellCheck={false}
          aria-invalid={problems.length > 0}
          aria-describedby="suite-problems"
          onChange={(event) => onChange(event.currentTarget.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
          style={{
            flex: 1,
            border: 'none',
            outline: 'none',
            resize: 'none',
            padding: '6px 8px',
            font: 'inherit',
            lineHeight: 'inherit',
            whiteSpace: 'pre',
            background: 'transparent',
            color: 'inherit',
          }}
        />
      </Box>
      <div id="suite-problems" aria-live="polite">
        {problems.length > 0 ? (
          <Alert
            color="red"
            mt="xs"
            p="xs"
            title={`${problems.length} problem${problems.length > 1 ? 's' : ''} in the suite`}
          >
            <List size="sm" spacing={2} data-testid="suite-problems">
              {problems.map((problem, index) => (
                <List.Item key={index}>
                  <UnstyledButton
                    onClick={() => problem.line && area.current && goToLine(area.current, problem.line)}
                    style={{ fontSize: 'inherit', textAlign: 'left' }}
                  >
                    <Text span ff="monospace" size="sm" fw={600}>
                      {problem.line ? `line ${problem.line}` : 'option'} {problem.field}
                    </Text>
                    : {problem.message}
                  </UnstyledButton>
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          <Group gap={6} mt={4}>
            <Text size="xs" c="dimmed">
              {checking ? 'Checking the suite…' : 'The suite is valid for this version.'} Checks: metric, slice,
              regression, latency, schema, drift, onnx.
            </Text>
          </Group>
        )}
      </div>
    </Box>
  );
}

/**
 * The pipeline definition's editor: a monospace text area with line numbers, the lines the check faults
 * marked in the gutter and behind the text, and the list of problems (line, field, message) under it;
 * a problem is a button that puts the caret on its line. Tab indents with spaces (YAML refuses tab
 * characters). A plain textarea rather than a code editor package: the project ships none, and what a
 * definition of a few dozen lines needs is the line arithmetic in editor-lines.ts.
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Box, List, Text, UnstyledButton } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { indent, lineCount, lineOfOffset, problemsByLine, rangeOfLine, type EditorProblem } from './editor-lines';

const lineHeight = 20;
const padding = 8;

/** A YAML text area with line numbers and the check's problems marked on their lines. */
export function YamlEditor({
  value,
  onChange,
  problems,
  label,
  height = 360,
  readOnly = false,
}: {
  value: string;
  onChange: (next: string) => void;
  problems: readonly EditorProblem[];
  /** The accessible name of the text area. */
  label: string;
  height?: number;
  readOnly?: boolean;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const [caretLine, setCaretLine] = useState(1);
  const tabLeaves = useRef(false);
  const problemsId = useId();
  const lines = lineCount(value);
  const marked = problemsByLine(problems);

  const jumpTo = (line: number) => {
    const element = area.current;
    if (!element) return;
    const range = rangeOfLine(value, line);
    element.focus();
    element.setSelectionRange(range.start, range.end);
    element.scrollTop = Math.max(0, (line - 1) * lineHeight - height / 3);
    setCaretLine(line);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // After Escape, Tab moves on to the next control (as in CodeMirror), so indenting never traps the keyboard.
    if (event.key === 'Escape') {
      tabLeaves.current = true;
      return;
    }
    if (event.key !== 'Tab') {
      tabLeaves.current = false;
      return;
    }
    if (readOnly || tabLeaves.current || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const element = event.currentTarget;
    const next = indent(value, element.selectionStart, element.selectionEnd, event.shiftKey);
    onChange(next.text);
    requestAnimationFrame(() => element.setSelectionRange(next.start, next.end));
  };

  return (
    <Box>
      <Box
        style={{
          display: 'flex',
          height,
          border: `1px solid ${problems.length > 0 ? 'var(--mantine-color-error)' : 'var(--mantine-color-default-border)'}`,
          borderRadius: 'var(--mantine-radius-md)',
          overflow: 'hidden',
          background: 'var(--mantine-color-body)',
        }}
      >
        <Box
          aria-hidden
          className="mono"
          style={{
            flex: 'none',
            width: `${String(lines).length + 3}ch`,
            overflow: 'hidden',
            background: 'var(--mantine-color-default-hover)',
            borderRight: '1px solid var(--mantine-color-default-border)',
            fontSize: 13,
            userSelect: 'none',
          }}
        >
          <Box style={{ transform: `translateY(${padding - scroll.top}px)` }}>
            {Array.from({ length: lines }, (_, index) => {
              const line = index + 1;
              const faults = marked.get(line);
              return (
                <Box
                  key={line}
                  data-line={line}
                  data-fault={faults ? 'true' : undefined}
                  title={faults?.map((f) => f.message).join('\n')}
                  style={{
                    height: lineHeight,
                    lineHeight: `${lineHeight}px`,
                    paddingRight: 6,
                    textAlign: 'right',
                    color: faults
                      ? 'var(--mantine-color-error)'
                      : line === caretLine
                        ? 'var(--mantine-color-text)'
                        : 'var(--mantine-color-dimmed)',
                    fontWeight: faults ? 700 : undefined,
                  }}
                >
                  {faults ? '● ' : ''}
                  {line}
                </Box>
              );
            })}
          </Box>
        </Box>
        <Box style={{ position: 'relative', flex: 1, minWidth: 0 }}>
          <Box aria-hidden style={{ position: 'absolute', inset: 0, overflow: 'hidden', pointerEvents: 'none' }}>
            {[...marked.keys()].map((line) => (
              <Box
                key={line}
                style={{
                  position: 'absolute',
                  left: 0,
                  right: 0,
                  top: padding + (line - 1) * lineHeight - scroll.top,
                  height: lineHeight,
                  background: 'var(--mantine-color-red-light)',
                }}
              />
            ))}
          </Box>
          <textarea
            ref={area}
            aria-label={label}
            aria-invalid={problems.length > 0}
            aria-describedby={problems.length > 0 ? problemsId : undefined}
            className="mono"
            value={value}
            readOnly={readOnly}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            wrap="off"
            onChange={(event) => {
              onChange(event.currentTarget.value);
              setCaretLine(lineOfOffset(event.currentTarget.value, event.currentTarget.selectionStart));
            }}
            onSelect={(event) => setCaretLine(lineOfOffset(value, event.currentTarget.selectionStart))}
            onScroll={(event) =>
              setScroll({ top: event.currentTarget.scrollTop, left: event.currentTarget.scrollLeft })
            }
            onKeyDown={onKeyDown}
            onFocus={() => (tabLeaves.current = false)}
            style={{
              position: 'relative',
              display: 'block',
              width: '100%',
              height: '100%',
              margin: 0,
              border: 0,
              outline: 'none',
              resize: 'none',
              padding,
              fontSize: 13,
              lineHeight: `${lineHeight}px`,
              tabSize: 2,
              background: 'transparent',
              color: 'var(--mantine-color-text)',
              whiteSpace: 'pre',
              overflow: 'auto',
            }}
          />
        </Box>
      </Box>
      <Text size="xs" c="dimmed" mt={4}>
        Line {caretLine} of {lines}. Tab indents by two spaces, Shift+Tab outdents; Escape then Tab leaves the editor.
      </Text>
      {problems.length > 0 && (
        <List
          id={problemsId}
          aria-label="Problems in the definition"
          spacing={2}
          mt="xs"
          size="sm"
          icon={<IconAlertCircle size={16} color="var(--mantine-color-error)" />}
        >
          {problems.map((problem, index) => (
            <List.Item key={index} data-testid="definition-problem">
              {problem.line !== null ? (
                <UnstyledButton
                  onClick={() => jumpTo(problem.line!)}
                  style={{ textAlign: 'left', fontSize: 'var(--mantine-font-size-sm)' }}
                >
                  <Text span fw={600} c="red" size="sm">
                    Line {problem.line}
                  </Text>
                  {problem.field && (
                    <Text span className="mono" size="sm">
                      {' '}
                      {problem.field}
                    </Text>
                  )}
                  <Text span size="sm">
                    : {problem.message}
                  </Text>
                </UnstyledButton>
              ) : (
                <Text size="sm">
                  {problem.field && (
                    <Text span className="mono" size="sm">
                      {problem.field}:{' '}
                    </Text>
                  )}
                  {problem.message}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </Box>
  );
}

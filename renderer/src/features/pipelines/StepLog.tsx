/**
 * A step's log: monospace lines in a scrolling box that follows the end while the step runs, unless the
 * reader has scrolled up to read (then it stays put and offers a way back to the end), as a terminal does.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { Box, Button, Group, Text } from '@mantine/core';
import { IconArrowDown } from '@tabler/icons-react';

/** How close to the bottom (pixels) still counts as "at the end", so a rounding pixel does not stop following. */
const endSlack = 24;

/** A scrolling monospace log; `following` keeps the end in view as lines arrive. */
export function StepLog({
  lines,
  running,
  label,
  height = 320,
}: {
  lines: readonly string[];
  /** True while the step runs: new lines scroll into view. */
  running: boolean;
  /** The accessible name of the log region. */
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(true);

  // After new lines render, keep the end in view if the reader was there.
  useLayoutEffect(() => {
    const element = box.current;
    if (element && atEnd) element.scrollTop = element.scrollHeight;
  }, [lines, atEnd]);
  // A step that starts running shows its end at once (state adjusted while rendering, as React advises).
  const [wasRunning, setWasRunning] = useState(running);
  if (running !== wasRunning) {
    setWasRunning(running);
    if (running) setAtEnd(true);
  }

  return (
    <Box pos="relative">
      <Box
        ref={box}
        role="log"
        aria-label={label}
        aria-live={running ? 'polite' : 'off'}
        tabIndex={0}
        data-following={running && atEnd ? 'true' : 'false'}
        className="mono"
        onScroll={(event) => {
          const element = event.currentTarget;
          setAtEnd(element.scrollHeight - element.scrollTop - element.clientHeight <= endSlack);
        }}
        style={{
          height,
          overflow: 'auto',
          fontSize: 12,
          lineHeight: '18px',
          padding: '8px 10px',
          // Long lines wrap (a path or an error is read whole, not scrolled to sideways).
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-md)',
          background: 'var(--mantine-color-default-hover)',
          color: 'var(--mantine-color-text)',
        }}
      >
        {lines.length === 0 ? (
          <Text size="sm" c="dimmed" component="span" style={{ fontFamily: 'inherit' }}>
            {running ? 'Waiting for output…' : 'This step wrote nothing to its log.'}
          </Text>
        ) : (
          lines.join('\n')
        )}
      </Box>
      {running && !atEnd && (
        <Group pos="absolute" bottom={10} right={14}>
          <Button
            size="compact-xs"
            leftSection={<IconArrowDown size={12} />}
            onClick={() => {
              setAtEnd(true);
              box.current?.scrollTo({ top: box.current.scrollHeight });
            }}
          >
            Follow
          </Button>
        </Group>
      )}
    </Box>
  );
}

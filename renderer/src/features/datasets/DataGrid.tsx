/**
 * A virtualized table of rows (TanStack Virtual): only the
 * visible rows are in the DOM, so thousands of rows scroll smoothly. Rows may arrive page by page:
 * `getRow(i)` returns undefined for a row not loaded yet, and `onVisibleRange` asks for it.
 */
import { useEffect, useMemo, useRef } from 'react';
import { Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Cell } from '../../../../shared/contract/index';

const rowHeight = 30;

function cellText(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : value.toLocaleString(undefined, { maximumFractionDigits: 6 });
  return String(value);
}

/** Props of {@link DataGrid}. */
export interface DataGridProps {
  columns: string[];
  rowCount: number;
  getRow: (index: number) => Cell[] | undefined;
  onVisibleRange?: (first: number, last: number) => void;
  height?: number;
  label: string;
}

/** The grid. */
export function DataGrid({ columns, rowCount, getRow, onVisibleRange, height = 420, label }: DataGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const headers = useMemo(
    () =>
      columns.map((name, index) => ({
        id: `${index}`,
        name,
        width: Math.min(260, Math.max(90, name.length * 9 + 24)),
      })),
    [columns],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render only; no memoized child receives its functions
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (rowCount > 0) onVisibleRange?.(first, last);
  }, [first, last, rowCount, onVisibleRange]);

  const totalWidth = 64 + headers.reduce((sum, h) => sum + h.width, 0);
  return (
    <div
      ref={scroller}
      role="table"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      className="data-grid"
      style={{ height, overflow: 'auto', position: 'relative' }}
    >
      <div style={{ width: totalWidth, position: 'sticky', top: 0, zIndex: 1 }} className="data-grid-head" role="row">
        <div className="data-grid-cell data-grid-index" role="columnheader">
          #
        </div>
        {headers.map((header) => (
          <div
            key={header.id}
            className="data-grid-cell"
            role="columnheader"
            style={{ width: header.width }}
            title={header.name}
          >
            {header.name}
          </div>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: 'relative' }}>
        {items.map((item) => {
          const row = getRow(item.index);
          return (
            <div
              key={item.key}
              role="row"
              className="data-grid-row"
              style={{
                position: 'absolute',
                top: 0,
                transform: `translateY(${item.start}px)`,
                height: rowHeight,
                width: totalWidth,
              }}
            >
              <div className="data-grid-cell data-grid-index" role="cell">
                {item.index + 1}
              </div>
              {headers.map((header, c) => (
                <div
                  key={header.id}
                  role="cell"
                  className="data-grid-cell"
                  style={{ width: header.width }}
                  title={row ? cellText(row[c]) : ''}
                >
                  {row ? (
                    row[c] === null ? (
                      <Text span c="dimmed" size="xs">
                        null
                      </Text>
                    ) : (
                      cellText(row[c])
                    )
                  ) : (
                    <span className="data-grid-pending">…</span>
                  )}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

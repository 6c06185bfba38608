/** The standalone HTML report: one offline file, escaped, well under 5 MB for 100 columns. */
import { describe, expect, it } from 'vitest';
import type { ColumnDrift, DriftReport } from '../../../shared/contract/index.js';
import { renderDriftHtml } from './html-report.js';
import { columnDrift } from './column-drift.js';

describe('renderDriftHtml', () => {
  it('stays small for 100 columns, escapes names, loads nothing from the network', () => {
    const columns: ColumnDrift[] = Array.from({ length: 100 }, (_, index) =>
      columnDrift(
        {
          column: index === 0 ? '<script>alert(1)</script>' : `feature_${index}`,
          referenceType: 'float',
          currentType: 'float',
          reference: Float64Array.from({ length: 2000 }, (_, row) => Math.sin(row * (index + 1))),
          current: Float64Array.from({ length: 2000 }, (_, row) => Math.sin(row * (index + 1)) + index / 100),
        },
        2000,
      ),
    );
    const report: DriftReport = {
      id: 'r1',
      createdAt: 0,
      reference: { label: 'a@1', datasetVersionId: null, rows: 2000 },
      current: { label: 'a@2', datasetVersionId: null, rows: 2000 },
      model: null,
      driftShareThreshold: 0.5,
      columnsTested: 100,
      columnsDrifted: columns.filter((column) => column.verdict === 'drift').length,
      driftShare: 0.5,
      datasetDrift: true,
      columns,
      predictions: [],
      seconds: 1,
    };
    const html = renderDriftHtml(report);
    expect(Buffer.byteLength(html)).toBeLessThan(5 * 1024 * 1024);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/https?:\/\/|<link|src=/);
    expect(html.match(/<svg /g)).toHaveLength(100);
  });
});

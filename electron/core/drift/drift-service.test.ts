/** The drift service end to end on dataset versions and files: report, storage, lineage, bad input. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempCore } from '../testing/temp-core.js';
import type { Core } from '../core.js';
import { shiftedRows, writeCsv } from './testing/drift-tables.js';
import { renderDriftHtml } from './html-report.js';

let core: Core;
let cleanup: () => void;
let folder: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  folder = mkdtempSync(join(tmpdir(), 'lathe-drift-test-'));
});
afterEach(() => {
  cleanup();
  rmSync(folder, { recursive: true, force: true });
});

const header = ['id', 'x', 'colour', 'flag'];

describe('drift reports', () => {
  it(
    'finds drift in shifted columns, stores the report with its lineage, and renders HTML',
    { timeout: 120_000 },
    async () => {
      await core.datasets.add({ path: writeCsv(folder, 'reference.csv', header, shiftedRows(400, 0)), name: 'sales' });
      const currentPath = writeCsv(
        folder,
        'current.csv',
        header,
        shiftedRows(300, 2, ['red', 'green', 'blue', 'purple']),
      );
      await core.datasets.add({ path: currentPath, name: 'sales' });
      const report = await core.drift.run({ reference: 'sales@1', current: 'sales@2' });
      expect(report.reference).toMatchObject({ label: 'sales@1', rows: 400 });
      expect(report.current).toMatchObject({ label: 'sales@2', rows: 300 });
      const byName = Object.fromEntries(report.columns.map((column) => [column.column, column]));
      expect(byName.x).toMatchObject({ test: 'ks', verdict: 'drift', kind: 'numeric' });
      expect(byName.colour).toMatchObject({ test: 'chisquare', verdict: 'drift', newCategories: ['purple'] });
      expect(byName.flag).toMatchObject({ test: 'z', kind: 'binary' });
      expect(report.datasetDrift).toBe(true);
      expect(report.columns[0]!.verdict).toBe('drift');
      expect(core.drift.get(report.id)).toEqual(report);
      expect(core.drift.list().map((summary) => summary.id)).toEqual([report.id]);
      const edges = core.lineage
        .neighbours({ kind: 'drift_report', id: report.id })
        .map(({ kind, relation, direction }) => ({ kind, relation, direction }))
        .sort((a, b) => a.relation.localeCompare(b.relation));
      expect(edges).toEqual([
        { kind: 'dataset_version', relation: 'current', direction: 'upstream' },
        { kind: 'dataset_version', relation: 'reference', direction: 'upstream' },
      ]);
      expect(core.lineage.describe({ kind: 'drift_report', id: report.id }).label).toBe('drift sales@1 → sales@2');
      const html = renderDriftHtml(report);
      expect(html).toContain('Dataset drift detected');
      expect(html).not.toMatch(/NaN|undefined/);
    },
  );

  it('compares a file with a dataset version and finds no drift in the same data', { timeout: 120_000 }, async () => {
    const rows = shiftedRows(200, 0);
    await core.datasets.add({ path: writeCsv(folder, 'reference.csv', header, rows), name: 'base' });
    const report = await core.drift.run({
      reference: 'base',
      current: writeCsv(folder, 'same.csv', header, rows),
      tests: { x: 'anderson' },
      threshold: 0.01,
    });
    expect(report.datasetDrift).toBe(false);
    expect(report.columnsDrifted).toBe(0);
    expect(report.columns.find((column) => column.column === 'x')).toMatchObject({ test: 'anderson', threshold: 0.01 });
    const edges = core.lineage
      .neighbours({ kind: 'drift_report', id: report.id })
      .filter((neighbour) => neighbour.relation === 'current')
      .map(({ kind, id }) => ({ kind, id }));
    expect(edges).toEqual([{ kind: 'file', id: join(folder, 'same.csv') }]);
  });

  it('refuses what cannot be compared, storing nothing', { timeout: 120_000 }, async () => {
    await core.datasets.add({ path: writeCsv(folder, 'reference.csv', header, shiftedRows(50, 0)), name: 'base' });
    await expect(
      core.drift.run({ reference: 'base', current: writeCsv(folder, 'other.csv', ['a', 'b'], [[1, 2]]) }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/no column in common/) });
    await expect(
      core.drift.run({ reference: 'base', current: writeCsv(folder, 'empty.csv', header, []) }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/has no rows/) });
    await expect(
      core.drift.run({ reference: 'base', current: join(folder, 'reference.csv'), tests: { nope: 'ks' } }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/tests: "nope"/) });
    expect(core.drift.list()).toEqual([]);
  });

  it('reports a column whose type differs between the sets', { timeout: 120_000 }, async () => {
    await core.datasets.add({ path: writeCsv(folder, 'reference.csv', header, shiftedRows(50, 0)), name: 'base' });
    const current = writeCsv(
      folder,
      'typed.csv',
      header,
      shiftedRows(50, 0).map((row) => [row[0]!, `v${row[1]}`, row[2]!, row[3]!]),
    );
    const report = await core.drift.run({ reference: 'base', current });
    const x = report.columns.find((column) => column.column === 'x')!;
    expect(x).toMatchObject({ verdict: 'type_mismatch', statistic: null });
    expect(report.columnsTested).toBe(3);
  });

  it('skips a free-text column with its reason and counts only the tested columns', { timeout: 120_000 }, async () => {
    const rows = (count: number, shift: number) =>
      shiftedRows(count, shift).map(([, x], index) => [x!, `customer wrote note number ${shift}-${index}`]);
    const reference = writeCsv(folder, 'reference.csv', ['x', 'notes'], rows(400, 0));
    const current = writeCsv(folder, 'current.csv', ['x', 'notes'], rows(300, 2));
    const report = await core.drift.run({ reference, current });
    const notes = report.columns.find((column) => column.column === 'notes')!;
    expect(notes).toMatchObject({ verdict: 'not_tested', test: null, statistic: null });
    expect(notes.note).toMatch(/^free text: 400 of 400 reference values are distinct/);
    expect(report).toMatchObject({ columnsTested: 1, columnsDrifted: 1, driftShare: 1, datasetDrift: true });
  });
});

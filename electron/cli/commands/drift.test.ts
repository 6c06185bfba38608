/** `lathe drift` from a shell: exit 1 on dataset drift, 0 without, 2 on bad input; --json and --html. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLathe } from '../testing/run-lathe.js';
import { shiftedRows, writeCsv } from '../../core/drift/testing/drift-tables.js';
import { parseTestFlag } from './drift.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-drift-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const lathe = (...args: string[]) => runLathe(['--home', home, ...args]);
const header = ['id', 'x', 'colour', 'flag'];

describe('lathe drift', () => {
  it('exits 1 on dataset drift with --json and --html, 0 without, 2 on bad input', { timeout: 180_000 }, async () => {
    const reference = writeCsv(home, 'reference.csv', header, shiftedRows(400, 0));
    expect((await lathe('data', 'add', reference, '--name', 'sales')).code).toBe(0);
    const drifted = writeCsv(home, 'drifted.csv', header, shiftedRows(300, 2));
    const html = join(home, 'report.html');
    const run = await lathe('drift', '--reference', 'sales@1', '--current', drifted, '--json', '--html', html);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { datasetDrift: boolean; columns: { column: string; verdict: string }[] };
    expect(report.datasetDrift).toBe(true);
    expect(report.columns.find((column) => column.column === 'x')?.verdict).toBe('drift');
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('Dataset drift detected');

    const same = await lathe('drift', '--reference', 'sales', '--current', reference, '--columns', 'x,colour');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/no dataset drift: 0 of 2 columns drift/);
    expect(same.stdout).toMatch(/x\s+ks\s+0\s+1\s+p<0.05\s+no drift/);

    const bad = await lathe('drift', '--reference', 'sales', '--current', reference, '--test', 'x=bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tests\.x/);

    // The two reports made above are stored (the refused run is not): list, then show one by a prefix of its id.
    const listed = await lathe('--json', 'drift', 'list');
    expect(listed.code).toBe(0);
    const reports = JSON.parse(listed.stdout) as { id: string; datasetDrift: boolean; current: { label: string } }[];
    expect(reports.map((item) => item.datasetDrift)).toEqual([false, true]);
    const human = await lathe('drift', 'list');
    expect(human.stdout).toMatch(/ID\s+CREATED\s+REFERENCE\s+CURRENT/);
    expect(human.stdout).toContain(reports[1]!.id.slice(0, 8));
    expect(human.stdout).toMatch(/sales@1\s+.*drifted\.csv\s+-\s+\d+\/\d+\s+yes/);
    const shownHtml = join(home, 'shown.html');
    const shown = await lathe('--json', 'drift', 'show', reports[1]!.id.slice(0, 8), '--html', shownHtml);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(report);
    expect(readFileSync(shownHtml, 'utf8')).toBe(readFileSync(html, 'utf8'));
    const shownHuman = await lathe('drift', 'show', reports[0]!.id);
    expect(shownHuman.code).toBe(0);
    expect(shownHuman.stdout).toMatch(/no dataset drift: 0 of 2 columns drift/);
    expect(shownHuman.stdout).toContain(`report ${reports[0]!.id}`);
    const noCurrent = await lathe('drift', '--reference', 'sales');
    expect(noCurrent.code).toBe(2);
    expect(noCurrent.stderr).toMatch(/--current is required/);
    const missing = await lathe('drift', 'show', 'ffffffff-none');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No drift report "ffffffff-none"/);
  });

  it('parses --test pairs and names a malformed one', () => {
    expect(parseTestFlag('age=ks, plan=psi')).toEqual({ age: 'ks', plan: 'psi' });
    expect(() => parseTestFlag('age')).toThrow(/"age" is not COLUMN=TEST/);
  });
});

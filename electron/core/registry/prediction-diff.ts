/**
 * Predictions of two versions on one dataset version: each version is scored by the predict worker (off
 * the main thread, as `lathe predict` does) into a temporary Parquet file, then the two outputs are lined
 * up row by row. Classifiers: agreement rate, the cross-confusion of their labels and the rows where their
 * probabilities differ most. Regressors: error deltas (mean and largest |b − a|, RMSE between them) and
 * the rows that moved most. Those rows carry their input values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionDiff } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { describeTable, readColumns, type ColumnValues } from '../data/read-table.js';
import type { DataResolver } from '../models/data-source.js';
import type { ModelService } from '../models/model-service.js';

/** Scores `data` with both versions and compares their outputs; `top` rows that differ most are returned. */
export async function diffPredictions(
  refA: string,
  refB: string,
  data: string,
  deps: { models: ModelService; resolveData: DataResolver },
  options: { top?: number } = {},
): Promise<PredictionDiff> {
  const top = options.top ?? 20;
  const a = deps.models.resolveScorable(refA);
  const b = deps.models.resolveScorable(refB);
  const dir = mkdtempSync(join(tmpdir(), 'lathe-prediction-diff-'));
  try {
    const outA = join(dir, 'a.parquet');
    const outB = join(dir, 'b.parquet');
    await deps.models.predict({ ref: `${a.model}@${a.version}`, data, out: outA });
    await deps.models.predict({ ref: `${b.model}@${b.version}`, data, out: outB });
    const [columnsA, columnsB] = await Promise.all([describeTable(outA), describeTable(outB)]);
    const namesA = columnsA.columns.map((c) => c.name);
    const namesB = columnsB.columns.map((c) => c.name);
    const [valuesA, valuesB] = await Promise.all([readColumns(outA, namesA), readColumns(outB, namesB)]);
    const rows = columnsA.rows;
    if (columnsB.rows !== rows)
      throw new LatheError('BAD_INPUT', `The two versions scored ${rows} and ${columnsB.rows} rows of ${data}`);
    const source = await deps.resolveData(data);
    const inputs = async (indices: number[]) => {
      if (indices.length === 0) return [];
      const description = await describeTable(source.path, { format: source.format });
      const table = await readColumns(
        source.path,
        description.columns.map((c) => c.name),
        { format: source.format },
      );
      return indices.map((index) =>
        Object.fromEntries([...table.entries()].map(([name, column]) => [name, cell(column, index)])),
      );
    };
    const labelA = valuesA.get('label');
    const labelB = valuesB.get('label');
    if (labelA && labelB) {
      const probabilities = namesA.filter(
        (n) => (n.startsWith('probabilities_') || n.startsWith('probability_')) && namesB.includes(n),
      );
      let agree = 0;
      const counts = new Map<string, Map<string, number>>();
      const scored: { index: number; score: number }[] = [];
      for (let i = 0; i < rows; i++) {
        const la = String(cell(labelA, i));
        const lb = String(cell(labelB, i));
        if (la === lb) agree += 1;
        const row = counts.get(la) ?? new Map<string, number>();
        row.set(lb, (row.get(lb) ?? 0) + 1);
        counts.set(la, row);
        let score = la === lb ? 0 : 1;
        for (const p of probabilities)
          score += Math.abs(Number(cell(valuesB.get(p)!, i)) - Number(cell(valuesA.get(p)!, i)));
        scored.push({ index: i, score });
      }
      const labelsA = [...counts.keys()].sort();
      const labelsB = [...new Set([...counts.values()].flatMap((m) => [...m.keys()]))].sort();
      const worst = scored
        .sort((x, y) => y.score - x.score)
        .slice(0, top)
        .filter((r) => r.score > 0);
      const values = await inputs(worst.map((r) => r.index));
      return {
        data,
        rows,
        kind: 'classification',
        agreement: rows ? agree / rows : 1,
        confusion: { labelsA, labelsB, counts: labelsA.map((la) => labelsB.map((lb) => counts.get(la)?.get(lb) ?? 0)) },
        regression: null,
        topRows: worst.map((r, k) => ({
          row: r.index,
          a: String(cell(labelA, r.index)),
          b: String(cell(labelB, r.index)),
          score: r.score,
          inputs: values[k]!,
        })),
      };
    }
    const numeric = ['value', ...namesA].find(
      (n) => valuesA.get(n) instanceof Float64Array && valuesB.get(n) instanceof Float64Array,
    );
    if (!numeric)
      throw new LatheError(
        'BAD_INPUT',
        `${a.model}@${a.version} and ${b.model}@${b.version} have no output in common to compare (outputs: ${namesA.join(', ')} / ${namesB.join(', ')})`,
      );
    const va = valuesA.get(numeric) as Float64Array;
    const vb = valuesB.get(numeric) as Float64Array;
    let sumAbs = 0;
    let sumSquared = 0;
    let maxAbs = 0;
    const scored: { index: number; score: number }[] = [];
    for (let i = 0; i < rows; i++) {
      const delta = vb[i]! - va[i]!;
      sumAbs += Math.abs(delta);
      sumSquared += delta * delta;
      maxAbs = Math.max(maxAbs, Math.abs(delta));
      scored.push({ index: i, score: Math.abs(delta) });
    }
    const worst = scored
      .sort((x, y) => y.score - x.score)
      .slice(0, top)
      .filter((r) => r.score > 0);
    const values = await inputs(worst.map((r) => r.index));
    return {
      data,
      rows,
      kind: 'regression',
      agreement: null,
      confusion: null,
      regression: {
        output: numeric,
        meanAbsDelta: rows ? sumAbs / rows : 0,
        maxAbsDelta: maxAbs,
        rmseBetween: rows ? Math.sqrt(sumSquared / rows) : 0,
      },
      topRows: worst.map((r, k) => ({
        row: r.index,
        a: String(va[r.index]),
        b: String(vb[r.index]),
        score: r.score,
        inputs: values[k]!,
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cell(column: ColumnValues, index: number): string | number | null {
  const value = column[index];
  return value === undefined ? null : typeof value === 'number' && Number.isNaN(value) ? null : value;
}

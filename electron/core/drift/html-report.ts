/**
 * The standalone HTML drift report: one file with inline CSS and inline SVG charts, no script and no
 * network, so it opens offline in any browser and can be attached to a CI run. Every text from the data
 * (column names, categories, labels) is escaped.
 */
import type { DriftDistribution, DriftReport } from '../../../shared/contract/index.js';
import { formatStatistic, verdictLabels } from '../../../shared/drift-format.js';

export { formatStatistic };

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character]!);
}

const verdictLabel = verdictLabels;

function chart(distribution: DriftDistribution): string {
  const width = 520;
  const height = 140;
  const count = distribution.reference.length;
  const maximum = Math.max(...distribution.reference, ...distribution.current, 1e-12);
  const slot = width / count;
  const bars: string[] = [];
  for (let index = 0; index < count; index++) {
    const x = index * slot;
    const referenceHeight = (distribution.reference[index]! / maximum) * (height - 20);
    const currentHeight = (distribution.current[index]! / maximum) * (height - 20);
    const label =
      distribution.kind === 'categories'
        ? escapeHtml(distribution.categories[index]!)
        : `${formatStatistic(distribution.edges[index]!)} – ${formatStatistic(distribution.edges[index + 1]!)}`;
    bars.push(
      `<rect x="${x.toFixed(1)}" y="${(height - referenceHeight).toFixed(1)}" width="${(slot * 0.9).toFixed(1)}" height="${referenceHeight.toFixed(1)}" class="ref"><title>${label}: reference ${(distribution.reference[index]! * 100).toFixed(1)}%</title></rect>`,
      `<rect x="${(x + slot * 0.2).toFixed(1)}" y="${(height - currentHeight).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${currentHeight.toFixed(1)}" class="cur"><title>${label}: current ${(distribution.current[index]! * 100).toFixed(1)}%</title></rect>`,
    );
  }
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${bars.join('')}</svg>`;
}

/** The report as one HTML document. */
export function renderDriftHtml(report: DriftReport): string {
  const rows = [...report.columns, ...report.predictions]
    .map(
      (column) => `<tr class="${column.verdict}">
<td>${escapeHtml(column.column)}</td><td>${column.test ?? '—'}</td><td>${formatStatistic(column.statistic)}</td>
<td>${formatStatistic(column.pvalue)}</td><td>${column.threshold === null ? '—' : `${column.thresholdKind === 'pvalue' ? 'p <' : '≥'} ${column.threshold}`}</td>
<td><b>${verdictLabel[column.verdict]}</b></td><td>${column.note ? escapeHtml(column.note) : ''}</td></tr>`,
    )
    .join('\n');
  const charts = [...report.columns, ...report.predictions]
    .filter((column) => column.distribution)
    .map(
      (column) =>
        `<section><h3>${escapeHtml(column.column)} <small>${verdictLabel[column.verdict]}</small></h3>${chart(column.distribution!)}</section>`,
    )
    .join('\n');
  const title = `Drift: ${report.current.label} vs ${report.reference.label}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1a1b1e}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}tr.drift td{background:#fff0f0}
.summary{font-size:16px;margin:12px 0}.ref{fill:#228be6;opacity:.55}.cur{fill:#fa5252;opacity:.6}
section{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}h3{margin:4px 0;font-size:14px}small{color:#868e96}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="summary"><b>${report.datasetDrift ? 'Dataset drift detected' : 'No dataset drift'}</b>: ${report.columnsDrifted} of ${report.columnsTested} tested columns drift (${(report.driftShare * 100).toFixed(1)}%, threshold ${(report.driftShareThreshold * 100).toFixed(0)}%).
Reference ${escapeHtml(report.reference.label)} (${report.reference.rows} rows), current ${escapeHtml(report.current.label)} (${report.current.rows} rows)${report.model ? `, model ${escapeHtml(report.model.ref)}` : ''}. Report ${escapeHtml(report.id)}, ${new Date(report.createdAt).toISOString()}.</p>
<table><thead><tr><th>Column</th><th>Test</th><th>Statistic</th><th>p-value</th><th>Threshold</th><th>Verdict</th><th>Note</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Distributions</h2><p class="legend"><span class="ref" style="background:#228be6"></span>reference<span style="background:#fa5252"></span>current</p>
${charts}
</body></html>
`;
}

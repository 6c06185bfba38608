/**
 * The standalone HTML validation report: one file with inline CSS, no script, no external asset and no
 * network, so it opens offline and can be attached to a CI run. Every text from the data (suite, column
 * values, messages) is escaped.
 */
import type { ValidationReport } from '../../../shared/contract/index.js';
import { escapeHtml } from '../drift/html-report.js';

/** A number as the report shows it (4 significant digits, no exponent for ordinary values). */
export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6
    ? String(Number(value.toPrecision(4)))
    : value.toExponential(3);
}

/** The report as one HTML document. */
export function renderValidationHtml(report: ValidationReport): string {
  const rows = report.checks
    .map((check) => {
      const verdict = check.skipped ? 'skipped' : check.passed ? 'pass' : 'fail';
      const slices = check.slices?.length
        ? `<details><summary>${check.slices.length} slices (worst first)</summary><table class="slices"><tr><th>value</th><th>rows</th><th>metric</th><th></th></tr>${check.slices
            .map(
              (slice) =>
                `<tr class="${slice.passed ? 'pass' : 'fail'}"><td>${escapeHtml(slice.value)}</td><td>${slice.rows}</td><td>${formatNumber(slice.metric)}</td><td>${slice.passed ? 'pass' : 'FAIL'}</td></tr>`,
            )
            .join('')}</table></details>`
        : '';
      return `<tr class="${verdict}"><td>${escapeHtml(check.name)}</td><td><b>${verdict.toUpperCase()}</b></td><td>${formatNumber(check.measured)}</td><td>${formatNumber(check.bound)}</td><td>${escapeHtml(check.detail)}${slices}</td></tr>`;
    })
    .join('\n');
  const metrics = Object.entries(report.metrics)
    .map(([name, value]) => `<tr><td>${escapeHtml(name)}</td><td>${formatNumber(value)}</td></tr>`)
    .join('');
  const passedCount = report.checks.filter((check) => check.passed).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Validation ${escapeHtml(report.model.ref)} — ${report.passed ? 'passed' : 'failed'}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1a1b1e;max-width:1100px}
h1{font-size:1.4rem;margin:0 0 .3rem}.verdict{display:inline-block;padding:.2rem .6rem;border-radius:4px;color:#fff;font-weight:600}
.verdict.pass{background:#2b8a3e}.verdict.fail{background:#c92a2a}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #dee2e6;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f1f3f5}
tr.fail>td:nth-child(2){color:#c92a2a}tr.pass>td:nth-child(2){color:#2b8a3e}tr.skipped>td:nth-child(2){color:#868e96}
table.slices{width:auto;margin:.4rem 0}pre{background:#f8f9fa;padding:.8rem;overflow:auto}.muted{color:#868e96}
</style></head><body>
<h1>Validation of ${escapeHtml(report.model.ref)}</h1>
<p><span class="verdict ${report.passed ? 'pass' : 'fail'}">${report.passed ? 'PASSED' : 'FAILED'}</span>
${passedCount} of ${report.checks.length} checks passed · suite <b>${escapeHtml(report.suite.name)}</b> (${escapeHtml(report.suite.file)})</p>
<p class="muted">holdout ${report.holdout ? `${escapeHtml(report.holdout.label)} (${report.holdout.rows} rows)` : '—'} ·
baseline ${report.baseline ? escapeHtml(report.baseline.ref) : '—'} · ${new Date(report.createdAt).toISOString()} ·
${report.seconds.toFixed(1)} s · report ${escapeHtml(report.id)}</p>
<table><tr><th>check</th><th>verdict</th><th>measured</th><th>bound</th><th>detail</th></tr>
${rows}
</table>
${metrics ? `<h2>Metrics on the holdout</h2><table style="width:auto"><tr><th>metric</th><th>value</th></tr>${metrics}</table>` : ''}
<h2>Suite</h2><pre>${escapeHtml(report.suite.yaml)}</pre>
</body></html>
`;
}

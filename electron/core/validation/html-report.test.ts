/** The standalone HTML report: verdict, every check, slices, escaped text, and nothing loaded from outside. */
import { describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../../shared/contract/index.js';
import { formatNumber, renderValidationHtml } from './html-report.js';

const report: ValidationReport = {
  id: 'r-1',
  createdAt: Date.UTC(2026, 0, 2),
  model: { ref: 'clf@2', versionId: '2', task: 'classification' },
  suite: { name: 'gate <b>', file: 'gate.yaml', yaml: 'name: "gate <b>"\nchecks: []\n' },
  holdout: { label: 'holdout@1', datasetVersionId: '9', rows: 600 },
  baseline: null,
  passed: false,
  checks: [
    {
      name: 'checks[0] metric accuracy ≥ 0.8',
      kind: 'metric',
      passed: true,
      skipped: false,
      detail: 'ok',
      measured: 0.86333,
      bound: 0.8,
    },
    {
      name: 'checks[1] slice by region: accuracy ≥ 0.75',
      kind: 'slice',
      passed: false,
      skipped: false,
      detail: '1 of 2 slices',
      measured: 0.49,
      bound: 0.75,
      slices: [
        { value: '<south>', rows: 150, metric: 0.49, passed: false },
        { value: 'north', rows: 150, metric: 0.97, passed: true },
      ],
    },
    {
      name: 'checks[2] drift share ≤ 0.5',
      kind: 'drift',
      passed: true,
      skipped: true,
      detail: 'no training data',
      measured: null,
      bound: 0.5,
    },
  ],
  metrics: { accuracy: 0.86333 },
  seconds: 4.1,
};

describe('validation HTML report', () => {
  it('shows the verdict, each check, the slices worst first and escapes every text', () => {
    const html = renderValidationHtml(report);
    expect(html).toContain('<span class="verdict fail">FAILED</span>');
    expect(html).toContain('2 of 3 checks passed');
    expect(html).toContain('<td>&lt;south&gt;</td><td>150</td><td>0.49</td><td>FAIL</td>');
    expect(html).toContain('<b>SKIPPED</b>');
    expect(html).toContain('suite <b>gate &lt;b&gt;</b>');
    expect(html).not.toContain('<south>');
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(/);
    expect(html).not.toMatch(/NaN|undefined/);
  });

  it('formats numbers for people', () => {
    expect([formatNumber(null), formatNumber(3), formatNumber(0.863333), formatNumber(0.00001234)]).toEqual([
      '—',
      '3',
      '0.8633',
      '1.234e-5',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { planCharts } from './chart-plan';

describe('planCharts', () => {
  it('puts single values in the table and overlays loss with val_loss', () => {
    const keys = ['accuracy', 'loss', 'test_accuracy', 'val_accuracy', 'val_loss'];
    const plan = planCharts(keys, { accuracy: 20, loss: 20, test_accuracy: 1, val_accuracy: 20, val_loss: 20 });
    expect(plan.values).toEqual(['test_accuracy']);
    expect(plan.charts).toEqual([
      { title: 'accuracy and val_accuracy', metrics: ['accuracy', 'val_accuracy'] },
      { title: 'loss and val_loss', metrics: ['loss', 'val_loss'] },
    ]);
  });
  it('charts a val_ metric without a twin alone, and unknown counts as series', () => {
    const plan = planCharts(['val_f1', 'lr'], { val_f1: 5 });
    expect(plan.values).toEqual([]);
    expect(plan.charts.map((c) => c.title)).toEqual(['val_f1', 'lr']);
  });
});

/** experiments.* through the dispatcher: search validates its input strictly and reports filter mistakes. */
import { describe, expect, it } from 'vitest';
import { useTempDispatch } from '../testing/temp-core.js';

const t = useTempDispatch();

describe('experiments.search through the dispatcher', () => {
  it('searches, pages and orders; a filter mistake names its position; unknown fields are refused', async () => {
    t.core.experiments.create('churn-a');
    t.core.experiments.create('churn-b');
    const found = await t.dispatch('experiments.search', { filter: "name LIKE 'churn%'", orderBy: ['name DESC'] });
    expect(found).toMatchObject({ ok: true, value: { experiments: [{ name: 'churn-b' }, { name: 'churn-a' }] } });
    const paged = await t.dispatch('experiments.search', { maxResults: 1, orderBy: ['name'] });
    expect(paged).toMatchObject({ ok: true, value: { experiments: [{ name: 'Default' }] } });
    const bad = await t.dispatch('experiments.search', { filter: 'name LIKE' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', details: { field: 'filter' } } });
    const unknownField = await t.dispatch('experiments.search', { filtr: 'x' });
    expect(unknownField).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
